export { spansToJaegerTrace, type SpanWithWarnings } from './encoder.ts';
export { decodeJaegerJson, jaegerDocumentToSpans } from './decoder.ts';
export { attributeToKeyValue, keyValueToAttribute } from './key-values.ts';
export * from './types.ts';
