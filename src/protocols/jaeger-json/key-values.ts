import { PermanentError } from '../../component/errors.ts';
import { attributeToString, type Attribute, type AttributeValue } from '../../model/attributes.ts';
import type { JaegerKeyValue } from './types.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * One attribute as a Jaeger tag. Jaeger tags have no arrays or maps: those
 * become their JSON text, as OpenTelemetry's Jaeger translator does.
 */
export function attributeToKeyValue(key: string, v: AttributeValue): JaegerKeyValue {
  switch (typeof v) {
    case 'string':
      return { key, type: 'string', value: v };
    case 'boolean':
      return { key, type: 'bool', value: v };
    case 'number':
      // JSON has no NaN or Infinity: send their text rather than fail the whole trace.
      return { key, type: 'float64', value: Number.isFinite(v) ? v : String(v) };
    case 'bigint':
      // A JS client would round an int64 beyond 2^53: keep it exact as a string.
      return { key, type: 'int64', value: v > MAX_SAFE || v < -MAX_SAFE ? v.toString() : Number(v) };
    default:
      if (v instanceof Uint8Array) return { key, type: 'binary', value: attributeToString(v) };
      return { key, type: 'string', value: attributeToString(v) };
  }
}

export function attributesToKeyValues(attrs: readonly Attribute[], out: JaegerKeyValue[] = []): JaegerKeyValue[] {
  for (const a of attrs) out.push(attributeToKeyValue(a.key, a.value));
  return out;
}

/** A Jaeger tag back to a typed attribute; `where` names the place for error messages. */
export function keyValueToAttribute(kv: unknown, where: string): Attribute {
  if (typeof kv !== 'object' || kv === null) throw new PermanentError(`${where}: tag is not an object`);
  const { key, type } = kv as Record<string, unknown>;
  let value = (kv as Record<string, unknown>).value;
  // A long integer literal was read exactly (see decoder.ts); only int64 keeps it as a bigint.
  if (typeof value === 'bigint' && type !== 'int64') value = type === 'float64' ? Number(value) : String(value);
  if (typeof key !== 'string') throw new PermanentError(`${where}: tag key must be a string`);
  const at = `${where}, tag "${key}"`;
  switch (type ?? 'string') {
    case 'string':
      if (typeof value === 'string') return { key, value };
      if (typeof value === 'number' || typeof value === 'boolean') return { key, value: String(value) };
      throw new PermanentError(`${at}: string value expected`);
    case 'bool':
      if (typeof value === 'boolean') return { key, value };
      if (value === 'true' || value === 'false') return { key, value: value === 'true' };
      throw new PermanentError(`${at}: bool value expected`);
    case 'int64':
      return { key, value: parseInt64(value, at) };
    case 'float64':
      if (typeof value === 'number') return { key, value };
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return { key, value: Number(value) };
      if (value === 'NaN') return { key, value: Number.NaN };
      throw new PermanentError(`${at}: float64 value expected`);
    case 'binary':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new PermanentError(`${at}: base64 value expected`);
      return { key, value: new Uint8Array(Buffer.from(value, 'base64')) };
    default:
      throw new PermanentError(`${at}: unknown type "${String(type)}"`);
  }
}

function parseInt64(value: unknown, at: string): bigint {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value.trim())) n = BigInt(value.trim());
  else throw new PermanentError(`${at}: int64 value expected`);
  if (n > INT64_MAX || n < INT64_MIN) throw new PermanentError(`${at}: ${n} is out of the int64 range`);
  return n;
}
