// utf8() must give exactly TextEncoder's bytes: they are what the store binds and compares.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../../../src/core/store/utf8';

test('utf8 gives the bytes TextEncoder gives, for any text and length', () => {
  const encoder = new TextEncoder();
  const samples = ['', 'a', 'toolu_01', 'é', '\u{1F600}', '\uFFFF', '\uD83D', 'x\uDE00y', 'a\u0000b', '日本語テキスト'];
  const long = (unit: string, n: number): string => unit.repeat(n);
  samples.push(long('ab', 3000), long('é', 5000), long('\u{1F600}', 40_000), long('z', 70_000), long('\uD800', 30_000));
  for (const s of samples) {
    const bytes = utf8(s);
    assert.deepEqual(bytes, encoder.encode(s), JSON.stringify(s.slice(0, 20)));
  }
  // Each result is its own copy: a later call does not overwrite it.
  const first = utf8('first');
  utf8('other text');
  assert.equal(Buffer.from(first).toString(), 'first');
});
