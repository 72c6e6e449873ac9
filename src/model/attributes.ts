/**
 * Typed attribute values, exact end to end.
 *
 * The JS type carries the OTLP type, so no tag field is needed:
 * string, boolean, number (double), bigint (int64: a JS number would lose
 * precision past 2^53), Uint8Array (bytes), arrays and key/value lists.
 * Attributes are kept as a list rather than an object: protocols allow any
 * key, including "__proto__", and the order the client sent is preserved.
 */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | AttributeValue[]
  | KeyValueList;

export interface KeyValueList {
  readonly kvlist: Attribute[];
}

export interface Attribute {
  key: string;
  value: AttributeValue;
}

export function isKeyValueList(v: AttributeValue): v is KeyValueList {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** First value for a key, or undefined. */
export function getAttribute(attrs: readonly Attribute[], key: string): AttributeValue | undefined {
  for (const a of attrs) if (a.key === key) return a.value;
  return undefined;
}

/**
 * The string form used by search and by protocols that only carry strings
 * (Zipkin tags, Jaeger tag filters): "200" matches an int 200.
 */
export function attributeToString(v: AttributeValue): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
    case 'number':
    case 'bigint':
      return String(v);
    default:
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      return JSON.stringify(attributeToJson(v));
  }
}

/** A JSON-safe rendering (bigint as string when beyond double precision, bytes as base64). */
export function attributeToJson(v: AttributeValue): unknown {
  if (typeof v === 'bigint') return v > MAX_SAFE || v < MIN_SAFE ? v.toString() : Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (Array.isArray(v)) return v.map(attributeToJson);
  if (isKeyValueList(v)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const a of v.kvlist) out[a.key] = attributeToJson(a.value);
    return out;
  }
  return v;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
