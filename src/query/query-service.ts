import type { Span } from '../model/span.ts';
import type { WaymarkMetrics } from '../observability/metrics.ts';
import type { SpanWithWarnings } from '../protocols/jaeger-json/encoder.ts';
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, TraceLookup, TraceQuery } from '../storage/api/query.ts';
import { FilterUnsupportedError, type ReadOptions, type StorageBackend, type StorageStatus, type TruncatedTrace } from '../storage/api/storage.ts';
import { withWarning } from './adjusters/adjuster.ts';
import type { Adjuster } from './adjusters/index.ts';
import { ClientGoneError, QueryDeadlineError, TraceNotFoundError } from './errors.ts';
import { spanDataBytes } from '../storage/api/answer-budget.ts';
import { capSearch, DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-limits.ts';

/**
 * One request to the service, from a handler: the client's signal (aborted
 * when it goes away), a deadline of its own (gRPC), and the notes the
 * service leaves for the answer (a cap applied, a trace cut).
 */
export interface QueryCall {
  signal?: AbortSignal;
  /** Epoch ms; the earlier of it and --query-timeout applies. */
  deadline?: number;
  notes: string[];
}

export function newCall(signal?: AbortSignal, deadline?: number): QueryCall {
  return { ...(signal ? { signal } : {}), ...(deadline !== undefined && Number.isFinite(deadline) ? { deadline } : {}), notes: [] };
}

/**
 * Between the HTTP/gRPC handlers and the SpanReader: checks a search against
 * what the backend can do and caps it (QueryLimits), gives every read a
 * deadline and the client's cancellation, bounds the answer's bytes, and
 * runs the adjusters on every trace it returns (unless the caller asks for
 * raw traces).
 */
export class QueryService {
  private readonly backend: StorageBackend;
  private readonly adjuster: Adjuster;
  private readonly limits: QueryLimits;
  private readonly metrics: WaymarkMetrics | undefined;

  constructor(backend: StorageBackend, adjuster: Adjuster, limits: QueryLimits = DEFAULT_QUERY_LIMITS, metrics?: WaymarkMetrics) {
    this.backend = backend;
    this.adjuster = adjuster;
    this.limits = limits;
    this.metrics = metrics;
  }

  /** The trace's spans; throws TraceNotFoundError when the store has none. */
  async getTrace(lookup: TraceLookup, raw = false, call: QueryCall = newCall()): Promise<SpanWithWarnings[]> {
    const cut = new Map<string, TruncatedTrace>();
    const spans = await this.bounded(call, (o) => this.backend.reader.getTrace(lookup, o), cut);
    if (spans.length === 0) throw new TraceNotFoundError(lookup.traceId);
    return this.finish(spans, raw, cut);
  }

  /** Several traces by ID; the ones not found are listed apart. One budget and one deadline for all. */
  async getTraces(lookups: TraceLookup[], raw = false, call: QueryCall = newCall()): Promise<{ traces: SpanWithWarnings[][]; missing: string[] }> {
    const cut = new Map<string, TruncatedTrace>();
    const found = await this.bounded(
      call,
      async (o) => {
        const out: Span[][] = [];
        let left = o.maxBytes;
        for (const l of lookups) {
          const spans = await this.backend.reader.getTrace(l, left === undefined ? o : { ...o, maxBytes: left });
          if (left !== undefined) left = Math.max(0, left - spans.reduce((n, s) => n + spanDataBytes(s), 0));
          out.push(spans);
        }
        return out;
      },
      cut,
    );
    const traces: SpanWithWarnings[][] = [];
    const missing: string[] = [];
    found.forEach((spans, i) => {
      if (spans.length === 0) {
        if (!cut.has(lookups[i]!.traceId)) missing.push(lookups[i]!.traceId);
      } else traces.push(this.finish(spans, raw, cut));
    });
    return { traces, missing };
  }

  async findTraces(query: TraceQuery, raw = false, call: QueryCall = newCall()): Promise<SpanWithWarnings[][]> {
    this.checkCapabilities(query);
    const capped = capSearch(query, this.limits);
    for (const n of capped.notes) {
      call.notes.push(n.text);
      this.metrics?.queriesLimited.inc({ cap: n.cap });
    }
    const cut = new Map<string, TruncatedTrace>();
    const traces = await this.bounded(call, (o) => this.backend.reader.findTraces(capped.query, o), cut);
    return traces.map((t) => this.finish(t, raw, cut));
  }

  getServices(call: QueryCall = newCall()): Promise<string[]> {
    return this.bounded(call, (o) => this.backend.reader.getServices(o));
  }

  /** Damaged store files found since start-up, and what could be read out of them. */
  storageStatus(): StorageStatus {
    return this.backend.status?.() ?? { damaged: [] };
  }

  getOperations(query: OperationQuery, call: QueryCall = newCall()): Promise<Operation[]> {
    return this.bounded(call, (o) => this.backend.reader.getOperations(query, o));
  }

  getDependencies(query: DependencyQuery, call: QueryCall = newCall()): Promise<DependencyLink[]> {
    return this.bounded(call, (o) => this.backend.reader.getDependencies(query, o));
  }

  /** Refuses, rather than answers approximately, a search the backend cannot run. */
  checkCapabilities(query: TraceQuery): void {
    const caps = this.backend.capabilities;
    const store = this.backend.type;
    if (query.service === undefined && !caps.searchWithoutService) {
      throw new FilterUnsupportedError(`service: the ${store} store cannot search without a service name`);
    }
    for (const t of query.tags) {
      if (t.op === 'notEquals' && !caps.tagNotEquals) throw new FilterUnsupportedError(`tag ${t.key}: the ${store} store cannot search for "not equal"`);
      if (t.op === 'exists' && !caps.tagExists) throw new FilterUnsupportedError(`tag ${t.key}: the ${store} store cannot search for "exists"`);
    }
  }

  /**
   * Runs one read with the call's deadline (the earlier of --query-timeout
   * and the caller's) and cancellation, both reaching the store through the
   * signal, and the answer's byte budget. Traces the budget cut or left out
   * land in `cut` and in the call's notes.
   */
  private async bounded<T>(call: QueryCall, read: (options: ReadOptions) => Promise<T>, cut?: Map<string, TruncatedTrace>): Promise<T> {
    const controller = new AbortController();
    const { timeoutMs } = this.limits;
    let ms = timeoutMs > 0 ? timeoutMs : Infinity;
    let source = '--query-timeout';
    if (call.deadline !== undefined && call.deadline - Date.now() < ms) {
      ms = Math.max(0, call.deadline - Date.now());
      source = "the call's deadline";
    }
    const timer = Number.isFinite(ms) ? setTimeout(() => controller.abort(new QueryDeadlineError(Math.round(ms), source)), ms) : undefined;
    const onGone = () => controller.abort(new ClientGoneError());
    if (call.signal?.aborted) onGone();
    else call.signal?.addEventListener('abort', onGone, { once: true });
    const options: ReadOptions = { signal: controller.signal };
    if (this.limits.maxAnswerBytes > 0) options.maxBytes = this.limits.maxAnswerBytes;
    if (cut) options.onTruncated = (t) => cut.set(t.traceId, t);
    try {
      controller.signal.throwIfAborted();
      const value = await read(options);
      controller.signal.throwIfAborted();
      this.noteCuts(call, cut);
      return value;
    } catch (err) {
      if (controller.signal.aborted) {
        const reason = controller.signal.reason as Error;
        this.metrics?.queriesAbandoned.inc({ reason: reason instanceof QueryDeadlineError ? 'deadline' : 'client_gone' });
        throw reason;
      }
      throw err;
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onGone);
    }
  }

  private noteCuts(call: QueryCall, cut: Map<string, TruncatedTrace> | undefined): void {
    if (!cut || cut.size === 0) return;
    this.metrics?.queriesLimited.inc({ cap: 'answer_bytes' });
    const left = [...cut.values()].filter((t) => t.keptSpans === 0).length;
    const shortened = cut.size - left;
    const max = this.limits.maxAnswerBytes;
    if (shortened > 0) call.notes.push(`a trace was cut to the spans that fit in ${max} bytes (--query-max-answer-bytes)`);
    if (left > 0) call.notes.push(`${left} more trace(s) matched but did not fit in ${max} bytes (--query-max-answer-bytes)`);
  }

  private finish(spans: Span[], raw: boolean, cut: Map<string, TruncatedTrace>): SpanWithWarnings[] {
    const out: SpanWithWarnings[] = raw ? spans : this.adjuster.adjust(spans);
    const t = cut.get(spans[0]!.traceId);
    if (t && out.length > 0) {
      // On the first span, as Jaeger does with max_trace_size: the UI shows a span's warnings.
      out[0] = withWarning(out[0]!, `trace cut to ${t.keptSpans} of its ${t.totalSpans} spans (the earliest): the answer may hold ${this.limits.maxAnswerBytes} bytes of span data (--query-max-answer-bytes)`);
    }
    return out;
  }
}
