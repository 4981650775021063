// The OTLP protobuf schema, loaded once from the generated descriptor
// (scripts/genProto.mjs). The bundles never read .proto files at run time.
import { Namespace, Root, Type, util, type NamespaceBase } from 'protobufjs/light';
import descriptor from './otlpProto.json';
import type { Signal } from './types';

const root = Root.fromJSON(descriptor);

const hasOwn = Object.prototype.hasOwnProperty;

type OneOfSetterFactory = (fieldNames: string[]) => (this: Record<string, unknown>, name: string) => void;

/**
 * protobufjs's setter for a oneof's virtual field (`AnyValue.value`, ...) runs for
 * every decoded member and `delete`s each other member even when absent: that was
 * half the decode time and left every AnyValue in slow dictionary mode. The setter
 * is baked into each message prototype when its constructor is built, so build
 * ours with a setter of the same meaning that deletes only members present.
 */
function buildConstructors(ns: NamespaceBase): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof Type) void nested.ctor;
    if (nested instanceof Namespace || nested instanceof Type) buildConstructors(nested);
  }
}

const utilWithSetter = util as unknown as { oneOfSetter: OneOfSetterFactory };
const originalSetter = utilWithSetter.oneOfSetter;
utilWithSetter.oneOfSetter = (fieldNames) =>
  function setOneOf(this: Record<string, unknown>, name: string): void {
    for (const f of fieldNames) if (f !== name && hasOwn.call(this, f)) delete this[f];
  };
try {
  buildConstructors(root);
} finally {
  utilWithSetter.oneOfSetter = originalSetter;
}

function type(name: string): Type {
  return root.lookupType(name);
}

export interface SignalTypes {
  readonly request: Type;
  readonly response: Type;
}

export const SIGNAL_TYPES: Readonly<Record<Signal, SignalTypes>> = {
  logs: {
    request: type('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    response: type('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
  },
  metrics: {
    request: type('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    response: type('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
  },
  traces: {
    request: type('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: type('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  },
};

/** google.rpc.Status, the body of every OTLP/HTTP failure reply. */
export const STATUS_TYPE: Type = type('google.rpc.Status');

