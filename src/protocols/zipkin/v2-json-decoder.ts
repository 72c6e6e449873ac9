import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin-span.ts';
import { ZIPKIN_KINDS, spanLabel } from './zipkin-span.ts';
import {
  describe,
  fieldError,
  isPlainObject,
  micros,
  optionalBool,
  optionalString,
  parentIdFromHex,
  port,
  spanIdFromHex,
  traceIdFromHex,
} from './fields.ts';
import { parseJsonArray } from './json-body.ts';

/**
 * Zipkin v2 JSON (the zipkin2 API model, POST /api/v2/spans) -> ZipkinSpan.
 * Unknown fields are ignored; a wrong type or a bad ID refuses the batch.
 */
export function decodeV2Json(body: Uint8Array): ZipkinSpan[] {
  return parseJsonArray(body, 'Zipkin v2 spans').map(readSpan);
}

export function readSpan(raw: unknown, index: number): ZipkinSpan {
  let where = spanLabel(index);
  if (!isPlainObject(raw)) throw fieldError(where, 'span', `expected an object, got ${describe(raw)}`);
  const id = spanIdFromHex(raw.id, where, 'id');
  where = spanLabel(index, id);
  return {
    index,
    traceId: traceIdFromHex(raw.traceId, where),
    id,
    parentId: parentIdFromHex(raw.parentId, where),
    name: optionalString(raw.name, where, 'name') ?? '',
    kind: readKind(raw.kind, where),
    timestamp: micros(raw.timestamp, where, 'timestamp'),
    duration: micros(raw.duration, where, 'duration'),
    localEndpoint: readEndpoint(raw.localEndpoint, where, 'localEndpoint'),
    remoteEndpoint: readEndpoint(raw.remoteEndpoint, where, 'remoteEndpoint'),
    annotations: readAnnotations(raw.annotations, where),
    tags: readTags(raw.tags, where),
    debug: optionalBool(raw.debug, where, 'debug'),
    shared: optionalBool(raw.shared, where, 'shared'),
  };
}

function readKind(raw: unknown, where: string): ZipkinKind | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string' && (ZIPKIN_KINDS as readonly string[]).includes(raw)) return raw as ZipkinKind;
  throw fieldError(where, 'kind', `expected one of ${ZIPKIN_KINDS.join(', ')}, got ${describe(raw)}`);
}

export function readEndpoint(raw: unknown, where: string, field: string): ZipkinEndpoint | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) throw fieldError(where, field, `expected an object, got ${describe(raw)}`);
  const serviceName = optionalString(raw.serviceName, where, `${field}.serviceName`);
  return {
    serviceName: serviceName === '' ? undefined : serviceName,
    ipv4: optionalString(raw.ipv4, where, `${field}.ipv4`) || undefined,
    ipv6: optionalString(raw.ipv6, where, `${field}.ipv6`) || undefined,
    port: port(raw.port, where, `${field}.port`),
  };
}

function readAnnotations(raw: unknown, where: string): ZipkinAnnotation[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw fieldError(where, 'annotations', `expected an array, got ${describe(raw)}`);
  return raw.map((a: unknown, i) => {
    const field = `annotations[${i}]`;
    if (!isPlainObject(a)) throw fieldError(where, field, `expected an object, got ${describe(a)}`);
    const timestamp = micros(a.timestamp, where, `${field}.timestamp`);
    if (timestamp === undefined) throw fieldError(where, `${field}.timestamp`, 'required');
    const value = optionalString(a.value, where, `${field}.value`);
    if (value === undefined) throw fieldError(where, `${field}.value`, 'required');
    return { timestamp, value };
  });
}

/**
 * Tags are strings in Zipkin. Numbers and booleans are taken as their JSON
 * text (some reporters send them unquoted); null, objects and arrays are refused.
 */
function readTags(raw: unknown, where: string): [string, string][] {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw)) throw fieldError(where, 'tags', `expected an object of strings, got ${describe(raw)}`);
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') out.push([key, value]);
    else if (typeof value === 'number' || typeof value === 'boolean') out.push([key, String(value)]);
    else throw fieldError(where, `tags["${key}"]`, `expected a string, got ${describe(value)}`);
  }
  return out;
}
