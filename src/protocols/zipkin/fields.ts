import { PermanentError } from '../../component/errors.ts';
import { InvalidIdError, normalizeParentSpanId, normalizeSpanId, normalizeTraceId } from '../../model/ids.ts';

/**
 * Checks shared by the Zipkin decoders. Every failure names the span (its
 * index in the request) and the field, because Zipkin has no partial
 * success: the client only learns why its whole batch was refused.
 */

const HEX = /^[0-9a-fA-F]+$/;

export function fieldError(where: string, field: string, problem: string): PermanentError {
  return new PermanentError(`${where}: ${field}: ${problem}`);
}

/** Zipkin trace IDs are 16 or 32 hex characters; anything else is refused rather than padded. */
export function traceIdFromHex(raw: unknown, where: string, field = 'traceId'): string {
  if (typeof raw !== 'string') throw new InvalidIdError(`${where}: ${field}: expected a hex string, got ${describe(raw)}`);
  if ((raw.length !== 16 && raw.length !== 32) || !HEX.test(raw)) {
    throw new InvalidIdError(`${where}: ${field} "${clip(raw)}": expected 16 or 32 hex characters`);
  }
  return wrapId(() => normalizeTraceId(raw), where, field, raw);
}

export function spanIdFromHex(raw: unknown, where: string, field = 'id'): string {
  if (typeof raw !== 'string') throw new InvalidIdError(`${where}: ${field}: expected a hex string, got ${describe(raw)}`);
  if (raw.length !== 16 || !HEX.test(raw)) throw new InvalidIdError(`${where}: ${field} "${clip(raw)}": expected 16 hex characters`);
  return wrapId(() => normalizeSpanId(raw), where, field, raw);
}

/** Absent, null, "" or all zeros mean a root span. */
export function parentIdFromHex(raw: unknown, where: string): string {
  if (raw === undefined || raw === null || raw === '') return '';
  if (typeof raw !== 'string') throw new InvalidIdError(`${where}: parentId: expected a hex string, got ${describe(raw)}`);
  if (raw.length !== 16 || !HEX.test(raw)) throw new InvalidIdError(`${where}: parentId "${clip(raw)}": expected 16 hex characters`);
  return normalizeParentSpanId(raw);
}

function wrapId(f: () => string, where: string, field: string, raw: string): string {
  try {
    return f();
  } catch (err) {
    throw new InvalidIdError(`${where}: ${field} "${clip(raw)}": ${(err as Error).message}`);
  }
}

/**
 * Epoch or duration microseconds: a non-negative number (fractions are cut:
 * OpenTelemetry JS sends fractional microseconds) or a string of digits.
 * 0, null and absent all mean "unknown".
 */
export function micros(raw: unknown, where: string, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^\d{1,16}$/.test(raw)) n = Number(raw);
  else throw fieldError(where, field, `expected microseconds as a number, got ${describe(raw)}`);
  if (!Number.isFinite(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
    throw fieldError(where, field, `${raw} is not a valid number of microseconds`);
  }
  const whole = Math.floor(n);
  return whole === 0 ? undefined : whole;
}

/** Same range as `micros`, from a 64-bit integer read off the wire (Thrift, protobuf). */
export function microsFromBigInt(raw: bigint, where: string, field: string): number | undefined {
  if (raw === 0n) return undefined;
  if (raw < 0n || raw > BigInt(Number.MAX_SAFE_INTEGER)) throw fieldError(where, field, `${raw} is not a valid number of microseconds`);
  return Number(raw);
}

export function optionalString(raw: unknown, where: string, field: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw fieldError(where, field, `expected a string, got ${describe(raw)}`);
  return raw;
}

export function optionalBool(raw: unknown, where: string, field: string): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw !== 'boolean') throw fieldError(where, field, `expected true or false, got ${describe(raw)}`);
  return raw;
}

/** Ports are unsigned 16 bits; 0 means unknown. Thrift carries them as signed i16, hence the mask there. */
export function port(raw: unknown, where: string, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > 65535) {
    throw fieldError(where, field, `expected a port number 0-65535, got ${describe(raw)}`);
  }
  return raw === 0 ? undefined : raw;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${clip(v)}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '...' : s;
}
