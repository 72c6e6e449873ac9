/** Nanoseconds as Go's time.Duration prints them ("1.5s", "250ms", "-3µs", "1h2m3s"), for messages Jaeger users know. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const v = ns < 0n ? -ns : ns;
  if (v < 1000n) return `${sign}${v}ns`;
  if (v < 1_000_000n) return sign + decimal(v, 1000n) + 'µs';
  if (v < 1_000_000_000n) return sign + decimal(v, 1_000_000n) + 'ms';
  const h = v / 3_600_000_000_000n;
  const m = (v / 60_000_000_000n) % 60n;
  const s = decimal(v % 60_000_000_000n, 1_000_000_000n);
  return sign + (h > 0n ? `${h}h${m}m` : m > 0n ? `${m}m` : '') + s + 's';
}

function decimal(v: bigint, unit: bigint): string {
  const whole = v / unit;
  const frac = v % unit;
  if (frac === 0n) return String(whole);
  const digits = unit.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
