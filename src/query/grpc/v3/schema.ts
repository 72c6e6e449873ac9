import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { PROTO_DIR as OTLP_PROTO_DIR } from '../../../protocols/otlp/index.ts';

const DIR = path.dirname(fileURLToPath(import.meta.url));

/** jaeger.api_v3 types, with OTLP's trace.proto from the OTLP protocol folder. */
export const apiV3Root: protobuf.Root = (() => {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target === 'query_service.proto' ? path.join(DIR, target) : path.join(OTLP_PROTO_DIR, target));
  root.loadSync('query_service.proto');
  root.resolveAll();
  return root;
})();

export const ApiV3QueryService: protobuf.Service = apiV3Root.lookupService('jaeger.api_v3.QueryService');
