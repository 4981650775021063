// The replay's messages: what the host accepts from its webview (every field
// checked, strings bounded, anything else refused with the request id to
// answer), what the webview accepts from the host, saved state, and JSON
// embedded in HTML that agent text cannot break out of.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_ID_LENGTH,
  MAX_STEPS_PER_REQUEST,
  PROTOCOL_VERSION,
  jsonForHtml,
  parseHostMessage,
  parseState,
  parseTarget,
  parseWebviewMessage,
  sameTarget,
} from '../../../src/protocol/messages';

const accepted = (raw: unknown): unknown => {
  const r = parseWebviewMessage(raw);
  assert.ok(r.ok, `accepted: ${JSON.stringify(raw)} (${r.ok ? '' : r.reason})`);
  return r.message;
};
const refused = (raw: unknown): { reason: string; id?: number } => {
  const r = parseWebviewMessage(raw);
  assert.ok(!r.ok, `refused: ${JSON.stringify(raw)}`);
  return r;
};

test('ready, requests and commands that are well formed are accepted (and only their known fields kept)', () => {
  assert.deepEqual(accepted({ type: 'ready', protocol: PROTOCOL_VERSION, restored: null }), { type: 'ready', protocol: 1, restored: null });
  assert.deepEqual(accepted({ type: 'ready', protocol: 1, restored: { kind: 'prompt', promptId: 'p1', extra: 1 } }), { type: 'ready', protocol: 1, restored: { kind: 'prompt', promptId: 'p1' } });
  assert.deepEqual(accepted({ type: 'request', id: 7, method: 'getPrompt', params: { promptId: 'p1', x: 'y' } }), { type: 'request', id: 7, method: 'getPrompt', params: { promptId: 'p1' } });
  assert.deepEqual(accepted({ type: 'request', id: 8, method: 'getSteps', params: { promptId: 'p1', offset: 200, limit: 200 } }), {
    type: 'request',
    id: 8,
    method: 'getSteps',
    params: { promptId: 'p1', offset: 200, limit: 200 },
  });
  assert.ok(accepted({ type: 'request', id: 9, method: 'getSession', params: { sessionId: 's1' } }));
  assert.ok(accepted({ type: 'command', command: 'openFile', args: { promptId: 'p', stepKey: 'k', path: '/w/src/a.ts' } }));
  assert.ok(accepted({ type: 'command', command: 'openDiff', args: { promptId: 'p', stepKey: 'k' } }));
  const nav = accepted({ type: 'command', command: 'navigated', args: { target: { kind: 'session', sessionId: 's' }, title: 'x'.repeat(1000) } }) as { args: { title: string } };
  assert.equal(nav.args.title.length, 300, 'titles are bounded');
});

test('anything else is refused, with the request id when there is one', () => {
  refused(null);
  refused('ready');
  refused([]);
  refused({ type: 'ready' });
  refused({ type: 'ready', protocol: 2 });
  refused({ type: 'nope' });
  refused({ type: 'request', method: 'getPrompt', params: { promptId: 'p' } });
  refused({ type: 'request', id: -1, method: 'getPrompt', params: { promptId: 'p' } });
  refused({ type: 'request', id: 1.5, method: 'getPrompt', params: { promptId: 'p' } });
  assert.equal(refused({ type: 'request', id: 3, method: 'dropTables', params: {} }).id, 3);
  assert.equal(refused({ type: 'request', id: 4, method: 'getPrompt', params: { promptId: 42 } }).id, 4);
  assert.equal(refused({ type: 'request', id: 5, method: 'getPrompt', params: { promptId: '' } }).id, 5);
  assert.equal(refused({ type: 'request', id: 6, method: 'getPrompt', params: { promptId: 'x'.repeat(MAX_ID_LENGTH + 1) } }).id, 6);
  refused({ type: 'request', id: 7, method: 'getSteps', params: { promptId: 'p', offset: -1, limit: 10 } });
  refused({ type: 'request', id: 7, method: 'getSteps', params: { promptId: 'p', offset: 0, limit: MAX_STEPS_PER_REQUEST + 1 } });
  refused({ type: 'request', id: 7, method: 'getSteps', params: { promptId: 'p', offset: '0', limit: 10 } });
  refused({ type: 'request', id: 7, method: 'getSteps', params: { promptId: 'p', offset: Number.NaN, limit: 10 } });
  refused({ type: 'request', id: 8, method: 'getPrompt' });
  refused({ type: 'command', command: 'openFile', args: { promptId: 'p', stepKey: 'k' } });
  refused({ type: 'command', command: 'openFile', args: { promptId: 'p', stepKey: 'k', path: 'x'.repeat(5000) } });
  refused({ type: 'command', command: 'runShell', args: { command: 'rm -rf /' } });
  refused({ type: 'command', command: 'navigated', args: { target: { kind: 'file', path: '/etc/passwd' }, title: 'x' } });
  refused({ type: 'command', command: 'openDiff' });
});

test('the webview checks what the host sends', () => {
  assert.deepEqual(parseHostMessage({ type: 'response', id: 1, ok: true, result: { a: 1 } }), { type: 'response', id: 1, ok: true, result: { a: 1 } });
  assert.deepEqual(parseHostMessage({ type: 'response', id: 2, ok: false, error: { code: 'not_found', message: 'gone' } }), {
    type: 'response',
    id: 2,
    ok: false,
    error: { code: 'not_found', message: 'gone' },
  });
  assert.deepEqual(parseHostMessage({ type: 'response', id: 2, ok: false, error: { code: 'weird' } }), { type: 'response', id: 2, ok: false, error: { code: 'internal', message: 'request failed' } });
  assert.deepEqual(parseHostMessage({ type: 'notification', name: 'show', params: { target: { kind: 'prompt', promptId: 'p' } } }), {
    type: 'notification',
    name: 'show',
    params: { target: { kind: 'prompt', promptId: 'p' } },
  });
  assert.deepEqual(parseHostMessage({ type: 'notification', name: 'dataChanged', params: {} }), { type: 'notification', name: 'dataChanged', params: {} });
  assert.equal(parseHostMessage({ type: 'notification', name: 'show', params: {} }), null);
  assert.equal(parseHostMessage({ type: 'notification', name: 'eval', params: {} }), null);
  assert.equal(parseHostMessage({ type: 'response', id: 'x', ok: true }), null);
  assert.equal(parseHostMessage(undefined), null);
});

test('saved state and targets', () => {
  assert.deepEqual(parseState({ v: 1, target: { kind: 'prompt', promptId: 'p' }, selected: 12, speed: 5, follow: true }), {
    v: 1,
    target: { kind: 'prompt', promptId: 'p' },
    selected: 12,
    speed: 5,
    follow: true,
  });
  assert.deepEqual(parseState({ v: 1, target: { kind: 'session', sessionId: 's' }, selected: -3, speed: 1e9 }), { v: 1, target: { kind: 'session', sessionId: 's' }, selected: 0, speed: 1, follow: false });
  assert.equal(parseState({ v: 2, target: { kind: 'prompt', promptId: 'p' } }), null);
  assert.equal(parseState({ v: 1 }), null);
  assert.equal(parseState(undefined), null);
  assert.equal(parseTarget({ kind: 'prompt', promptId: '' }), null);
  assert.ok(sameTarget({ kind: 'prompt', promptId: 'a' }, { kind: 'prompt', promptId: 'a' }));
  assert.ok(!sameTarget({ kind: 'prompt', promptId: 'a' }, { kind: 'session', sessionId: 'a' }));
  assert.ok(!sameTarget(null, { kind: 'session', sessionId: 'a' }));
  assert.ok(sameTarget(null, null));
});

test('JSON for HTML: no <, >, &, U+2028 or U+2029 survives, and it parses back to the same value', () => {
  const hostile = {
    text: '</script><script>window.__pwned=2</script>',
    img: '<img src=x onerror="window.__pwned=1">',
    comment: '<!-- & --> \u2028\u2029 </SCRIPT >',
    nested: [{ '</script>': '&amp;' }],
  };
  const json = jsonForHtml(hostile);
  assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(json), hostile);
  assert.match(json, /\\u003c\/script\\u003e/);
});
