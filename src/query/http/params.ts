import { normalizeTraceId, shortTraceId } from '../../model/ids.ts';
import { NANOS_PER_MICRO, NANOS_PER_MILLI, parseGoDuration } from '../../model/time.ts';
import { BadParamError } from '../errors.ts';

/** Read access to a request's query string, repeated parameters included. */
export interface Params {
  get(name: string): string | undefined;
  all(name: string): string[];
}

export function paramsOf(url: string): Params {
  const q = new URL(url).searchParams;
  return {
    get: (name) => q.get(name) ?? undefined,
    all: (name) => q.getAll(name),
  };
}

/** The first non-empty value among several spellings of one parameter. */
export function firstOf(p: Params, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const v = p.get(name);
    if (v !== undefined && v !== '') return { name, value: v };
  }
  return undefined;
}

/**
 * An epoch timestamp whose unit is read from its size: Jaeger reads
 * microseconds, Grafana sends milliseconds, a few tools send nanoseconds.
 * Below 1e14 is milliseconds (1e14 us would be 1973), below 1e17 microseconds.
 */
export function parseEpoch(name: string, raw: string): bigint {
  const s = raw.trim();
  if (!/^\d{1,20}$/.test(s)) throw new BadParamError(name, `"${raw}" is not a timestamp (an integer number of microseconds since the epoch)`);
  const n = BigInt(s);
  if (n < 100_000_000_000_000n) return n * NANOS_PER_MILLI;
  if (n < 100_000_000_000_000_000n) return n * NANOS_PER_MICRO;
  return n;
}

export function optionalEpoch(p: Params, name: string): bigint | undefined {
  const v = p.get(name);
  return v === undefined || v === '' ? undefined : parseEpoch(name, v);
}

/** An integer count of milliseconds. */
export function optionalMillis(p: Params, name: string): bigint | undefined {
  const v = p.get(name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,16}$/.test(v.trim())) throw new BadParamError(name, `"${v}" is not a whole number of milliseconds`);
  return BigInt(v.trim()) * NANOS_PER_MILLI;
}

/** A Go duration ("1.2s", "300us", "1m30s"), as Jaeger's minDuration/maxDuration. */
export function parseDurationParam(name: string, raw: string): bigint {
  const d = parseGoDuration(raw);
  if (d === undefined) throw new BadParamError(name, `"${raw}" is not a duration (use a number with a unit: ns, us, µs, ms, s, m, h)`);
  if (d < 0n) throw new BadParamError(name, `"${raw}" is negative`);
  return d;
}

export function optionalDuration(p: Params, names: readonly string[]): bigint | undefined {
  const v = firstOf(p, names);
  return v === undefined ? undefined : parseDurationParam(v.name, v.value);
}

export function parseLimit(name: string, raw: string | undefined, def: number): number {
  if (raw === undefined || raw === '') return def;
  if (!/^\d{1,9}$/.test(raw.trim())) throw new BadParamError(name, `"${raw}" is not a non-negative integer`);
  const n = Number(raw.trim());
  return n === 0 ? def : n;
}

export function parseTraceIdParam(name: string, raw: string): string {
  try {
    return normalizeTraceId(raw.trim());
  } catch (err) {
    throw new BadParamError(name, (err as Error).message);
  }
}

export function parseBool(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return false;
  const s = raw.toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new BadParamError(name, `"${raw}" is not true or false`);
}

export { shortTraceId };
