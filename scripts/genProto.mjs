// Generates src/core/otlp/otlpProto.json, the protobufjs JSON descriptor of the
// vendored OTLP .proto files (plus google.rpc.Status for error replies). The
// bundles cannot read .proto files at run time, so the descriptor is generated
// once, committed, and loaded with Root.fromJSON.
//
//   node scripts/genProto.mjs          write the descriptor
//   node scripts/genProto.mjs --check  exit 1 when the committed file is stale
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const protoDir = path.join(root, 'src/core/otlp/proto');
const outFile = path.join(root, 'src/core/otlp/otlpProto.json');

const ENTRY_POINTS = [
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'google/rpc/status.proto',
];

export function buildDescriptor() {
  const r = new protobuf.Root();
  // Imports are relative to the proto folder; google/protobuf/* come from protobufjs itself.
  r.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(protoDir, target));
  r.loadSync(ENTRY_POINTS, { keepCase: false });
  r.resolveAll();
  return `${JSON.stringify(r.toJSON({ keepComments: false }), null, 1)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = buildDescriptor();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(root, outFile)} is out of date: run node scripts/genProto.mjs`);
      process.exit(1);
    }
    console.log(`${path.relative(root, outFile)} is up to date`);
  } else {
    fs.writeFileSync(outFile, text);
    console.log(`wrote ${path.relative(root, outFile)} (${text.length} bytes)`);
  }
}
