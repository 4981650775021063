// Claude Cowork events as documented (TELEMETRY.md §2.1), in the decoder's
// internal shape. BUILT FROM THE DOCUMENTED SHAPES, NOT A CAPTURE.
import type { Attributes, LogRecord } from '../../../src/core/otlp/types';
import { COWORK_RESOURCE, EVENTS_SCOPE } from './records';

/** A Cowork event as documented: name in event.name (unprefixed), standard attributes on every record. */
export function coworkEvent(name: string, attributes: Attributes, seq: number, ms = 1_795_483_900_000 + seq): LogRecord {
  return {
    resource: COWORK_RESOURCE,
    scope: EVENTS_SCOPE,
    timeUnixNano: `${ms}000000`,
    observedTimeUnixNano: `${ms}000000`,
    severityNumber: 9,
    severityText: '',
    body: null,
    attributes: {
      'session.id': 'cowork-session-1',
      'organization.id': 'org-1',
      'user.account_uuid': 'acct-1',
      'user.email': 'dev@example.com',
      'terminal.type': 'non-interactive',
      'workspace.host_paths': ['/Users/dev/Projects/site', '/Users/dev/Notes'],
      'event.name': name,
      'event.timestamp': new Date(ms).toISOString(),
      'event.sequence': seq,
      ...attributes,
    },
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}
