import { formatLogfmt, parseLogfmt } from './logfmt.ts';

/**
 * The search as the URL holds it, in the Jaeger UI's parameter names so its
 * links (Grafana, Kiali, bookmarks) land on the same search:
 * /search?service=&operation=&tags=&lookback=&start=&end=&minDuration=&maxDuration=&limit=&traceID=
 */
export interface SearchState {
  service: string;
  operation: string;
  /** logfmt text as typed (the Jaeger UI's URL carries a JSON object; both are read). */
  tags: string;
  /** 5m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 24h, 2d, 7d, or "custom" for start/end. */
  lookback: string;
  /** Microseconds since the epoch, for a custom range. */
  start: string;
  end: string;
  minDuration: string;
  maxDuration: string;
  limit: string;
  traceIDs: string[];
}

export const ALL_SERVICES = '';
export const LOOKBACKS = ['5m', '15m', '30m', '1h', '2h', '3h', '6h', '12h', '24h', '2d', '7d'] as const;

export function defaultSearch(): SearchState {
  return { service: ALL_SERVICES, operation: '', tags: '', lookback: '1h', start: '', end: '', minDuration: '', maxDuration: '', limit: '20', traceIDs: [] };
}

export function readSearch(p: URLSearchParams): SearchState {
  const d = defaultSearch();
  const tagsParam = p.get('tags') ?? '';
  return {
    service: p.get('service') ?? d.service,
    operation: p.get('operation') === 'all' ? '' : (p.get('operation') ?? ''),
    tags: tagsFromUrl(tagsParam),
    lookback: p.get('lookback') ?? (p.get('start') ? 'custom' : d.lookback),
    start: p.get('start') ?? '',
    end: p.get('end') ?? '',
    minDuration: p.get('minDuration') ?? '',
    maxDuration: p.get('maxDuration') ?? '',
    limit: p.get('limit') ?? d.limit,
    traceIDs: p.getAll('traceID').flatMap((v) => v.split(',')).filter((v) => v !== ''),
  };
}

// The Jaeger UI writes tags as a JSON object; accept logfmt too, for hand-written links.
function tagsFromUrl(text: string): string {
  if (text.trim().startsWith('{')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      return formatLogfmt(Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, String(v)])));
    } catch {
      return text;
    }
  }
  return text;
}

export function writeSearch(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  for (const id of s.traceIDs) p.append('traceID', id);
  if (s.traceIDs.length > 0) return p;
  if (s.service) p.set('service', s.service);
  if (s.operation) p.set('operation', s.operation);
  const { tags, error } = parseLogfmt(s.tags);
  if (!error && Object.keys(tags).length > 0) p.set('tags', JSON.stringify(tags));
  p.set('lookback', s.lookback);
  if (s.lookback === 'custom') {
    if (s.start) p.set('start', s.start);
    if (s.end) p.set('end', s.end);
  }
  if (s.minDuration) p.set('minDuration', s.minDuration);
  if (s.maxDuration) p.set('maxDuration', s.maxDuration);
  p.set('limit', s.limit || '20');
  return p;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The search window in microseconds since the epoch. */
export function searchWindow(s: SearchState, nowMs = Date.now()): { startUs: number; endUs: number } {
  if (s.lookback === 'custom') {
    const end = Number(s.end) || nowMs * 1000;
    const start = Number(s.start) || end - 3_600_000_000;
    return { startUs: start, endUs: end };
  }
  const m = /^(\d+)([mhd])$/.exec(s.lookback);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]!]! : 3_600_000;
  return { startUs: (nowMs - ms) * 1000, endUs: nowMs * 1000 };
}

export function isSearchable(p: URLSearchParams): boolean {
  return ['service', 'operation', 'tags', 'lookback', 'start', 'traceID', 'minDuration', 'maxDuration'].some((k) => p.has(k));
}
