import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO = path.join(path.dirname(fileURLToPath(import.meta.url)), 'zipkin.proto');

let root: protobuf.Root | undefined;

/** The zipkin.proto3 types, loaded once on first use. */
export function zipkinProtoType(name: 'ListOfSpans' | 'Span' | 'Endpoint' | 'Annotation'): protobuf.Type {
  root ??= new protobuf.Root().loadSync(PROTO, { keepCase: true });
  return root.lookupType(`zipkin.proto3.${name}`);
}
