// Attribute keys are agent-sent text: "__proto__" is an attribute like any
// other, kept as an own property, and never becomes the map's prototype (which
// would answer lookups of keys the record never sent), in JSON and protobuf.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJson } from '../../../src/core/otlp/decodeJson';
import { decodeProtobuf } from '../../../src/core/otlp/decodeProtobuf';
import { SIGNAL_TYPES } from '../../../src/core/otlp/protoSchema';
import type { LogRecord } from '../../../src/core/otlp/types';
import { toProto3Json } from './helpers';

const body = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'service.name', value: { stringValue: 'spoofed' } }] } } }] },
      scopeLogs: [
        {
          logRecords: [
            {
              timeUnixNano: '1795000000000000000',
              body: { stringValue: 'claude_code.tool_result' },
              attributes: [
                { key: 'event.name', value: { stringValue: 'tool_result' } },
                { key: '__proto__', value: { kvlistValue: { values: [{ key: 'prompt.id', value: { stringValue: 'injected' } }] } } },
              ],
            },
          ],
        },
      ],
    },
  ],
};

function check(record: LogRecord): void {
  assert.equal(Object.getPrototypeOf(record.attributes), Object.prototype);
  assert.equal(Object.getPrototypeOf(record.resource.attributes), Object.prototype);
  assert.equal(record.attributes['prompt.id'], undefined, 'no key the record did not send');
  assert.equal(record.resource.attributes['service.name'], undefined);
  assert.deepEqual(Object.keys(record.attributes), ['event.name', '__proto__']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(record.attributes, '__proto__')?.value, { 'prompt.id': 'injected' });
}

test('"__proto__" attribute keys stay attributes: OTLP/JSON', () => {
  const batch = decodeJson('logs', Buffer.from(JSON.stringify(body)));
  assert.equal(batch.signal, 'logs');
  if (batch.signal === 'logs') check(batch.records[0]);
});

test('"__proto__" attribute keys stay attributes: OTLP/protobuf', () => {
  const type = SIGNAL_TYPES.logs.request;
  const bytes = type.encode(type.fromObject(toProto3Json(body) as Record<string, unknown>)).finish();
  const batch = decodeProtobuf('logs', bytes);
  if (batch.signal === 'logs') check(batch.records[0]);
  assert.deepEqual(batch, decodeJson('logs', Buffer.from(JSON.stringify(body))));
});
