/** OTLP traces: protobuf and JSON, to and from the model. */
export { decodeExportRequest } from './proto-decoder.ts';
export { decodeExportRequestJson } from './json-decoder.ts';
export { decodeExportRequestReflect } from './reflect-decoder.ts';
export { encodeExportResponse, encodeRpcStatus, encodeTracesData } from './proto-encoder.ts';
export { anyValueJson, attributesJson, exportResponseJson, spansToOtlpJson } from './json-encoder.ts';
export { rejectionMessage, type DecodeOptions, type DecodeResult } from './decode-result.ts';
export { EXPORT_REQUEST, EXPORT_RESPONSE, otlpRoot, otlpType, PROTO_DIR, RPC_STATUS, TRACES_DATA } from './schema.ts';
