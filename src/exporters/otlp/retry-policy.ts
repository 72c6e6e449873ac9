/** Capped exponential backoff with full jitter, as OpenTelemetry's exporters retry. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 5_000, multiplier: 2 };

/** Wait before retry number `attempt` (0-based): random in [cap/2, cap] so agents do not retry in lockstep. */
export function backoffMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** attempt);
  return cap / 2 + random() * (cap / 2);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** OTLP/HTTP: these statuses mean "try again later"; other 4xx mean the data will never be accepted. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}
