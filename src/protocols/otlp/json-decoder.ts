import { PermanentError } from '../../component/errors.ts';
import type { DecodeResult } from './decode-result.ts';
import { decodeOtlpObject } from './object-decoder.ts';

/**
 * OTLP/JSON ExportTraceServiceRequest -> model.
 *
 * int64 values should be decimal strings, but clients also send bare numbers;
 * JSON.parse would round those past 2^53, so a document containing a long
 * integer literal is parsed again with a reviver that reads the literal's
 * source text into a bigint.
 */
export function decodeExportRequestJson(text: string): DecodeResult {
  let doc: unknown;
  try {
    doc = LONG_INTEGER.test(text) ? JSON.parse(text, exactIntegers as never) : JSON.parse(text);
  } catch (err) {
    throw new PermanentError(`malformed OTLP JSON: ${(err as Error).message}`);
  }
  return decodeOtlpObject(doc, 'OTLP JSON');
}

/** A bare number literal of 16 or more digits (a false positive, e.g. inside a string, only costs the slower parse). */
const LONG_INTEGER = /[:,[]\s*-?\d{16}/;

function exactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)) {
    return BigInt(context.source);
  }
  return value;
}
