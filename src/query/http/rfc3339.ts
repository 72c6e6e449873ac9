import { BadParamError } from '../errors.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 / ISO 8601 text -> nanoseconds since the epoch, exact to the nanosecond. */
export function parseRfc3339(name: string, raw: string): bigint {
  const m = RFC3339.exec(raw.trim());
  if (!m) throw new BadParamError(name, `"${raw}" is not an RFC 3339 time such as 2026-01-02T15:04:05.000Z`);
  const [, y, mo, d, h, mi, s, frac = '', zone] = m as unknown as string[];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    throw new BadParamError(name, `"${raw}" is not a valid date and time`);
  }
  // Date.UTC would read years 0-99 as 1900-1999; setUTCFullYear takes the year as written.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let seconds = BigInt(date.getTime() / 1000);
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone![0] === '-' ? -1n : 1n;
    seconds -= sign * (BigInt(zone!.slice(1, 3)) * 3600n + BigInt(zone!.slice(4, 6)) * 60n);
  }
  return seconds * 1_000_000_000n + BigInt(frac.padEnd(9, '0') || '0');
}

/** Nanoseconds -> RFC 3339 with as many fraction digits as needed. */
export function formatRfc3339(ns: bigint): string {
  // Floor, not truncation: -1 ns is in the last millisecond of 1969.
  const ms = Number(ns / 1_000_000n - (ns < 0n && ns % 1_000_000n !== 0n ? 1n : 0n));
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? '.' + frac : ''}Z`;
}
