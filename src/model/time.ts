/** Conversions between the model's bigint nanoseconds and the units protocols use. */

export const NANOS_PER_MICRO = 1000n;
export const NANOS_PER_MILLI = 1_000_000n;
export const NANOS_PER_SECOND = 1_000_000_000n;

/** Exact while micros <= 2^53 (year 2255); protocols in microseconds use numbers. */
export function nanosToMicros(ns: bigint): number {
  return Number(ns / NANOS_PER_MICRO);
}

export function microsToNanos(us: number | bigint): bigint {
  return BigInt(us) * NANOS_PER_MICRO;
}

export function millisToNanos(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NANOS_PER_MILLI;
}

export function nowNanos(): bigint {
  return process.hrtime.bigint() - HR_ORIGIN + WALL_ORIGIN;
}

const HR_ORIGIN = process.hrtime.bigint();
const WALL_ORIGIN = BigInt(Date.now()) * NANOS_PER_MILLI;

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * Parses a Go duration string ("1.5s", "300us", "1h2m") into nanoseconds.
 * Returns undefined when the text is not a duration.
 */
export function parseGoDuration(text: string): bigint | undefined {
  const s = text.trim();
  if (s === '0') return 0n;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0n;
  let pos = 0;
  let sign = 1n;
  let body = s;
  if (body.startsWith('-') || body.startsWith('+')) {
    if (body[0] === '-') sign = -1n;
    body = body.slice(1);
  }
  if (body === '') return undefined;
  re.lastIndex = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m || m.index !== pos) return undefined;
    const [whole, num, unit] = m as unknown as [string, string, string];
    const [intPart, fracPart = ''] = num.split('.');
    const mult = UNITS[unit]!;
    let value = BigInt(intPart || '0') * mult;
    if (fracPart) value += (BigInt(fracPart) * mult) / 10n ** BigInt(fracPart.length);
    total += value;
    pos += whole.length;
  }
  return sign * total;
}

/** A Go duration string checked at start-up ("250ms", "10s") in whole milliseconds; throws when it is not one. */
export function goDurationMs(text: string): number {
  const ns = parseGoDuration(text);
  if (ns === undefined) throw new Error(`"${text}" is not a duration such as 10s or 250ms`);
  return Number(ns / 1_000_000n);
}
