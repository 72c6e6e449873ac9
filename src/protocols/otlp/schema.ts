import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The .proto files, shipped beside this module and loaded at run time. */
export const PROTO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'proto');

let root: protobuf.Root | undefined;

/** The OTLP trace schema as protobufjs reflection types (loaded once, on first use). */
export function otlpRoot(): protobuf.Root {
  if (root === undefined) {
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
    r.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'google/rpc/status.proto']);
    r.resolveAll();
    root = r;
  }
  return root;
}

export function otlpType(name: string): protobuf.Type {
  return otlpRoot().lookupType(name);
}

export const EXPORT_REQUEST = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest';
export const EXPORT_RESPONSE = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse';
export const TRACES_DATA = 'opentelemetry.proto.trace.v1.TracesData';
export const RPC_STATUS = 'google.rpc.Status';
