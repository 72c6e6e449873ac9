import { parseLogfmt } from './logfmt.ts';
import { searchWindow, type SearchState } from './search-params.ts';
import type { DependencyLink, JaegerTrace, StorageStatus, TraceSummary } from './types.ts';

declare global {
  interface Window {
    /** Set by the server in index.html: the --base-path, "" for none. */
    __WAYMARK_BASE__?: string;
  }
}

export function basePath(): string {
  const b = typeof window !== 'undefined' ? (window.__WAYMARK_BASE__ ?? '') : '';
  return b === '/' ? '' : b.replace(/\/$/, '');
}

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Every request the UI makes goes through here, so the set of endpoints stays small and known. */
async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const url = basePath() + path;
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, `Cannot reach the Waymark query service (${(err as Error).message}).`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError(res.status, `${init?.method ?? 'GET'} ${path.split('?')[0]} answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) throw new ApiError(res.status, errorMessage(body) ?? `${init?.method ?? 'GET'} ${path.split('?')[0]} failed with HTTP ${res.status}`);
  return body as T;
}

function errorMessage(body: unknown): string | undefined {
  const b = body as { errors?: { msg?: string }[] | null; error?: { message?: string } } | undefined;
  if (b?.errors && b.errors.length > 0) return b.errors.map((e) => e.msg).join('; ');
  return b?.error?.message;
}

interface Envelope<T> {
  data: T;
  errors: { code: number; msg: string; traceID?: string }[] | null;
}

export async function getServices(): Promise<string[]> {
  return (await request<{ services: string[] }>('/api/v3/services')).services ?? [];
}

export async function getOperations(service: string): Promise<{ name: string; spanKind: string }[]> {
  const r = await request<{ operations: { name: string; spanKind: string }[] }>(`/api/v3/operations?service=${encodeURIComponent(service)}`);
  return r.operations ?? [];
}

export async function getStorageStatus(): Promise<StorageStatus> {
  return (await request<Envelope<StorageStatus>>('/api/storage/status')).data;
}

/** The search form's query, as api_v3 trace summaries (the current Jaeger UI's call). */
export function summariesQuery(s: SearchState, nowMs = Date.now()): URLSearchParams {
  const { startUs, endUs } = searchWindow(s, nowMs);
  const p = new URLSearchParams();
  if (s.service) p.set('query.service_name', s.service);
  if (s.operation) p.set('query.operation_name', s.operation);
  p.set('query.start_time_min', new Date(Math.floor(startUs / 1000)).toISOString());
  p.set('query.start_time_max', new Date(Math.ceil(endUs / 1000) + 1).toISOString());
  if (s.minDuration) p.set('query.duration_min', s.minDuration);
  if (s.maxDuration) p.set('query.duration_max', s.maxDuration);
  const { tags } = parseLogfmt(s.tags);
  if (Object.keys(tags).length > 0) p.set('query.attributes', JSON.stringify(tags));
  p.set('query.search_depth', s.limit || '20');
  return p;
}

export async function searchTraces(s: SearchState): Promise<TraceSummary[]> {
  const r = await request<{ summaries: TraceSummary[] }>(`/api/v3/trace-summaries?${summariesQuery(s)}`);
  return r.summaries ?? [];
}

/** Traces by ID (the search page's `traceID=` links). Missing ones are reported, not thrown. */
export async function getTracesById(ids: readonly string[]): Promise<{ traces: JaegerTrace[]; missing: string[] }> {
  const p = new URLSearchParams();
  for (const id of ids) p.append('traceID', id);
  const r = await request<Envelope<JaegerTrace[]>>(`/api/traces?${p}`);
  return { traces: r.data ?? [], missing: (r.errors ?? []).map((e) => e.traceID ?? e.msg) };
}

export async function getTrace(id: string): Promise<JaegerTrace> {
  const r = await request<Envelope<JaegerTrace[]>>(`/api/traces/${encodeURIComponent(id)}`);
  const t = r.data?.[0];
  if (!t) throw new ApiError(404, `Trace ${id} was not found.`);
  return t;
}

/** A few recent traces of the service, to offer tag keys and values that are really in the store. */
export async function sampleTraces(service: string, startUs: number, endUs: number): Promise<JaegerTrace[]> {
  const p = new URLSearchParams({ start: String(Math.floor(startUs)), end: String(Math.ceil(endUs)), limit: '20' });
  if (service) p.set('service', service);
  return (await request<Envelope<JaegerTrace[]>>(`/api/traces?${p}`)).data ?? [];
}

export async function getDependencies(endTsMs: number, lookbackMs: number): Promise<DependencyLink[]> {
  const r = await request<Envelope<DependencyLink[]>>(`/api/dependencies?endTs=${endTsMs}&lookback=${lookbackMs}`);
  return r.data ?? [];
}

/** OTLP JSON in, Jaeger traces out; nothing is stored. */
export async function transformOtlp(body: string): Promise<JaegerTrace[]> {
  const r = await request<Envelope<JaegerTrace[]>>('/api/transform', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return r.data ?? [];
}

export function traceDownloadUrl(id: string): string {
  return `${basePath()}/api/traces/${encodeURIComponent(id)}?prettyPrint=true`;
}
