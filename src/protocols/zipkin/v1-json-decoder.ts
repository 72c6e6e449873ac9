import { InvalidIdError } from '../../model/ids.ts';
import { describe, fieldError, isPlainObject, micros, optionalBool, optionalString, parentIdFromHex, spanIdFromHex, traceIdFromHex } from './fields.ts';
import { parseJsonArray } from './json-body.ts';
import { ADDRESS_KEYS, type V1Annotation, type V1BinaryAnnotation, type V1Span } from './v1-span.ts';
import { readEndpoint } from './v2-json-decoder.ts';
import { spanLabel } from './zipkin-span.ts';

/**
 * Zipkin v1 JSON (POST /api/v1/spans, application/json) -> V1Span.
 * The trace ID is 16 or 32 hex characters, or 16 in `traceId` plus the high
 * half in `traceIdHigh`. Binary annotation values that are neither strings
 * nor address markers (`true` on ca/sa/ma) are kept as their JSON text.
 */
export function decodeV1Json(body: Uint8Array): V1Span[] {
  return parseJsonArray(body, 'Zipkin v1 spans').map(readSpan);
}

function readSpan(raw: unknown, index: number): V1Span {
  let where = spanLabel(index);
  if (!isPlainObject(raw)) throw fieldError(where, 'span', `expected an object, got ${describe(raw)}`);
  const id = spanIdFromHex(raw.id, where, 'id');
  where = spanLabel(index, id);
  return {
    index,
    traceId: readTraceId(raw, where),
    id,
    parentId: parentIdFromHex(raw.parentId, where),
    name: optionalString(raw.name, where, 'name') ?? '',
    timestamp: micros(raw.timestamp, where, 'timestamp'),
    duration: micros(raw.duration, where, 'duration'),
    debug: optionalBool(raw.debug, where, 'debug'),
    annotations: readList(raw.annotations, where, 'annotations', readAnnotation),
    binaryAnnotations: readList(raw.binaryAnnotations, where, 'binaryAnnotations', readBinaryAnnotation).filter(
      (b): b is V1BinaryAnnotation => b !== undefined,
    ),
  };
}

function readTraceId(raw: Record<string, unknown>, where: string): string {
  const high = raw.traceIdHigh;
  if (high === undefined || high === null || high === '') return traceIdFromHex(raw.traceId, where);
  if (typeof raw.traceId !== 'string' || raw.traceId.length !== 16) {
    throw new InvalidIdError(`${where}: traceId: expected 16 hex characters when traceIdHigh is set`);
  }
  if (typeof high !== 'string' || high.length !== 16) throw new InvalidIdError(`${where}: traceIdHigh: expected 16 hex characters`);
  return traceIdFromHex(high + raw.traceId, where, 'traceIdHigh+traceId');
}

function readList<T>(raw: unknown, where: string, field: string, read: (v: unknown, where: string, field: string) => T): T[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw fieldError(where, field, `expected an array, got ${describe(raw)}`);
  return raw.map((v: unknown, i) => read(v, where, `${field}[${i}]`));
}

function readAnnotation(raw: unknown, where: string, field: string): V1Annotation {
  if (!isPlainObject(raw)) throw fieldError(where, field, `expected an object, got ${describe(raw)}`);
  const timestamp = micros(raw.timestamp, where, `${field}.timestamp`);
  if (timestamp === undefined) throw fieldError(where, `${field}.timestamp`, 'required');
  const value = optionalString(raw.value, where, `${field}.value`);
  if (value === undefined) throw fieldError(where, `${field}.value`, 'required');
  return { timestamp, value, endpoint: readEndpoint(raw.endpoint, where, `${field}.endpoint`) };
}

function readBinaryAnnotation(raw: unknown, where: string, field: string): V1BinaryAnnotation | undefined {
  if (!isPlainObject(raw)) throw fieldError(where, field, `expected an object, got ${describe(raw)}`);
  const key = optionalString(raw.key, where, `${field}.key`);
  if (key === undefined) throw fieldError(where, `${field}.key`, 'required');
  const endpoint = readEndpoint(raw.endpoint, where, `${field}.endpoint`);
  const v = raw.value;
  if (typeof v === 'string') return { key, stringValue: v, endpoint };
  if (typeof v === 'boolean' && ADDRESS_KEYS.includes(key)) {
    // An address marker; Zipkin drops one that is false or has no endpoint.
    return v && endpoint ? { key, stringValue: undefined, endpoint } : undefined;
  }
  if (typeof v === 'boolean' || typeof v === 'number') return { key, stringValue: String(v), endpoint };
  if (v === undefined || v === null) return undefined;
  throw fieldError(where, `${field}.value`, `expected a string, number or boolean, got ${describe(v)}`);
}
