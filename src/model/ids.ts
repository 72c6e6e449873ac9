/**
 * Trace and span IDs are lowercase hex strings inside Waymark: cheap map keys,
 * and what every JSON protocol carries anyway.
 *
 * Trace IDs are always 32 hex characters. A 64-bit ID is zero-extended, so a
 * Jaeger/Zipkin client sending 16 hex characters and an OTLP client sending
 * the same ID as 128 bits land in one trace. Jaeger's JSON prints such an ID
 * back as 16 characters (see `shortTraceId`).
 */

const HEX = /^[0-9a-f]+$/;
const ZERO16 = '0000000000000000';
export const EMPTY_SPAN_ID = '';

export class InvalidIdError extends Error {}

/** Accepts 1 to 32 hex characters (any case), returns 32 lowercase; throws on all-zero or bad input. */
export function normalizeTraceId(raw: string): string {
  const s = raw.toLowerCase();
  if (s.length === 0 || s.length > 32 || !HEX.test(s)) {
    throw new InvalidIdError(`invalid trace ID "${truncate(raw)}": expected 16 or 32 hex characters`);
  }
  const id = s.padStart(32, '0');
  if (id === ZERO16 + ZERO16) throw new InvalidIdError('invalid trace ID: all zeros');
  return id;
}

/** Accepts 1 to 16 hex characters, returns 16 lowercase; throws on all-zero or bad input. */
export function normalizeSpanId(raw: string): string {
  const s = raw.toLowerCase();
  if (s.length === 0 || s.length > 16 || !HEX.test(s)) {
    throw new InvalidIdError(`invalid span ID "${truncate(raw)}": expected 16 hex characters`);
  }
  const id = s.padStart(16, '0');
  if (id === ZERO16) throw new InvalidIdError('invalid span ID: all zeros');
  return id;
}

/** Parent span IDs may be absent or zero, meaning "root". */
export function normalizeParentSpanId(raw: string | undefined): string {
  if (raw === undefined || raw === '' || /^0+$/.test(raw)) return EMPTY_SPAN_ID;
  return normalizeSpanId(raw);
}

/** Jaeger prints a trace ID whose high 64 bits are zero as 16 characters. */
export function shortTraceId(id: string): string {
  return id.startsWith(ZERO16) ? id.slice(16) : id;
}

export function traceIdFromBytes(b: Uint8Array): string {
  if (b.length !== 16 && b.length !== 8) {
    throw new InvalidIdError(`invalid trace ID: ${b.length} bytes, expected 16 (or 8)`);
  }
  return normalizeTraceId(bytesToHex(b));
}

export function spanIdFromBytes(b: Uint8Array): string {
  if (b.length !== 8) throw new InvalidIdError(`invalid span ID: ${b.length} bytes, expected 8`);
  return normalizeSpanId(bytesToHex(b));
}

export function parentSpanIdFromBytes(b: Uint8Array | undefined): string {
  if (b === undefined || b.length === 0) return EMPTY_SPAN_ID;
  if (b.length !== 8) throw new InvalidIdError(`invalid parent span ID: ${b.length} bytes, expected 8`);
  return normalizeParentSpanId(bytesToHex(b));
}

/** Two's-complement 64-bit signed halves, as Jaeger Thrift carries IDs. */
export function hexFromInt64Pair(high: bigint, low: bigint): string {
  return BigInt.asUintN(64, high).toString(16).padStart(16, '0') + BigInt.asUintN(64, low).toString(16).padStart(16, '0');
}

export function int64FromHex(hex16: string): bigint {
  return BigInt.asIntN(64, BigInt('0x' + hex16));
}

export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '...' : s;
}
