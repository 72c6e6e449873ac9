import type { Span } from '../../model/span.ts';

/** What an OTLP decoder returns: the valid spans, and how many (and why) others were rejected. */
export interface DecodeResult {
  spans: Span[];
  /** Spans left out for invalid IDs: OTLP partial success `rejected_spans`. */
  rejected: number;
  /** The first few reasons, for `partial_success.error_message`. */
  errors: string[];
  /** Set by decoders that truncate attribute values themselves: how many they cut. */
  truncated?: number;
}

export interface DecodeOptions {
  /** Cut attribute string/bytes values longer than this while decoding (0 or absent: never). */
  maxAttributeValueLength?: number;
}

/** Shared, frozen empties for spans without events, links or status: fewer objects per span, and a mutation fails loudly. */
export const NO_EVENTS: never[] = Object.freeze([]) as unknown as never[];
export const NO_LINKS: never[] = Object.freeze([]) as unknown as never[];
export const UNSET_STATUS = Object.freeze({ code: 0, message: '' }) as { code: 0; message: string };

/** Only the first reasons are kept: one bad client can send thousands of identical problems. */
export const MAX_ERROR_MESSAGES = 5;

/** Attribute values nested deeper than this (arrays/kvlists) are refused: no client needs it, recursion must stop somewhere. */
export const MAX_VALUE_DEPTH = 32;

export function newResult(): DecodeResult {
  return { spans: [], rejected: 0, errors: [] };
}

export function reject(result: DecodeResult, message: string): void {
  result.rejected++;
  if (result.errors.length < MAX_ERROR_MESSAGES) result.errors.push(message);
}

/** The text of `partial_success.error_message`. */
export function rejectionMessage(result: DecodeResult): string {
  if (result.rejected === 0) return '';
  const more = result.rejected > result.errors.length ? ` (and ${result.rejected - result.errors.length} more)` : '';
  return `${result.rejected} span(s) rejected: ${result.errors.join('; ')}${more}`;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Checks hex IDs already lower-cased; returns a problem or undefined. */
export function traceIdProblem(hex: string, what = 'trace ID'): string | undefined {
  if (hex.length !== 32) return `invalid ${what}: ${hex.length / 2} bytes, expected 16`;
  if (hex === ZERO_TRACE) return `invalid ${what}: all zeros`;
  return undefined;
}

export function spanIdProblem(hex: string, what = 'span ID'): string | undefined {
  if (hex.length !== 16) return `invalid ${what}: ${hex.length / 2} bytes, expected 8`;
  if (hex === ZERO_SPAN) return `invalid ${what}: all zeros`;
  return undefined;
}

/** '' and all-zero parents mean "root". */
export function parentIdProblem(hex: string): string | undefined {
  if (hex === '' || hex === ZERO_SPAN) return undefined;
  return spanIdProblem(hex, 'parent span ID');
}

export function normalizeParent(hex: string): string {
  return hex === ZERO_SPAN ? '' : hex;
}

/** Kinds and status codes outside OTLP's enums become UNSPECIFIED/UNSET (the model's types hold only known values). */
export function knownKind(k: number): 0 | 1 | 2 | 3 | 4 | 5 {
  return k >= 0 && k <= 5 ? (k as 0 | 1 | 2 | 3 | 4 | 5) : 0;
}

export function knownStatus(c: number): 0 | 1 | 2 {
  return c === 1 || c === 2 ? c : 0;
}
