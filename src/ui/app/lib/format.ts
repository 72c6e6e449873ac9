/** Durations arrive in microseconds; show them the way people read them. */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return '-';
  const abs = Math.abs(us);
  if (abs < 1) return `${round(us * 1000)}ns`;
  if (abs < 1000) return `${round(us)}µs`;
  if (abs < 1_000_000) return `${round(us / 1000)}ms`;
  if (abs < 60_000_000) return `${round(us / 1_000_000)}s`;
  const m = Math.floor(us / 60_000_000);
  return `${m}m${round((us - m * 60_000_000) / 1_000_000)}s`;
}

function round(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1).replace(/\.0$/, '') : n.toFixed(2).replace(/\.?0+$/, '');
}

export function formatTime(us: number): string {
  const d = new Date(us / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatRelative(us: number, nowMs = Date.now()): string {
  const s = Math.round((nowMs - us / 1000) / 1000);
  if (s < 60) return `${Math.max(s, 0)}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
