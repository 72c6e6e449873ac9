import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Span } from '../../model/span.ts';
import type { WaymarkMetrics } from '../../observability/metrics.ts';
import { fitTraces } from '../api/answer-budget.ts';
import { DependencyCounter } from '../api/dependencies.ts';
import { spanMatches } from '../api/match.ts';
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, TraceLookup, TraceQuery } from '../api/query.ts';
import type { ReadOptions, SearchCapabilities, SpanReader, SpanWriter, StorageBackend } from '../api/storage.ts';

export interface MemoryStoreConfig {
  /** Traces kept; the trace first seen longest ago is evicted first. */
  maxTraces: number;
  /** Counts the scans abandoned on their signal. */
  metrics?: WaymarkMetrics;
}

/** A scan gives the event loop a turn (and checks its signal) every this many traces. */
const SCAN_SLICE = 2048;

interface TraceEntry {
  spans: Span[];
  /** Earliest span start, for dependency windows. */
  minStart: bigint;
}

/**
 * In-process store for trying Waymark and for tests. Nothing survives a
 * restart. Searches scan every trace, newest first: fine at the default
 * 100,000 traces; the embedded store indexes.
 */
export class MemoryStore implements StorageBackend, SpanWriter, SpanReader {
  readonly type = 'memory';
  readonly capabilities: SearchCapabilities = { searchWithoutService: true, tagNotEquals: true, tagExists: true };
  readonly writer: SpanWriter = this;
  readonly reader: SpanReader = this;

  private readonly traces = new Map<string, TraceEntry>();
  /** service -> "kind\0name" -> operation */
  private readonly operations = new Map<string, Map<string, Operation>>();
  private readonly maxTraces: number;
  private readonly metrics: WaymarkMetrics | undefined;

  constructor(config: MemoryStoreConfig) {
    if (!Number.isInteger(config.maxTraces) || config.maxTraces < 1) throw new Error('memory store: maxTraces must be a positive integer');
    this.maxTraces = config.maxTraces;
    this.metrics = config.metrics;
  }

  async writeSpans(spans: Span[]): Promise<void> {
    for (const span of spans) {
      let entry = this.traces.get(span.traceId);
      if (!entry) {
        entry = { spans: [], minStart: span.startTimeUnixNano };
        this.traces.set(span.traceId, entry);
        if (this.traces.size > this.maxTraces) this.evictOldest();
      }
      entry.spans.push(span);
      if (span.startTimeUnixNano < entry.minStart) entry.minStart = span.startTimeUnixNano;
      this.recordOperation(span);
    }
  }

  async getTrace(lookup: TraceLookup, options?: ReadOptions): Promise<Span[]> {
    options?.signal?.throwIfAborted();
    const spans = this.traces.get(lookup.traceId)?.spans;
    return spans ? (fitTraces([spans.slice()], options)[0] ?? []) : [];
  }

  async getServices(options?: ReadOptions): Promise<string[]> {
    options?.signal?.throwIfAborted();
    return [...this.operations.keys()].sort();
  }

  async getOperations(query: OperationQuery, options?: ReadOptions): Promise<Operation[]> {
    options?.signal?.throwIfAborted();
    const ops = this.operations.get(query.service);
    if (!ops) return [];
    return [...ops.values()]
      .filter((o) => query.spanKind === undefined || o.spanKind === query.spanKind)
      .sort((a, b) => a.name.localeCompare(b.name) || a.spanKind - b.spanKind);
  }

  async findTraceIds(query: TraceQuery, options?: ReadOptions): Promise<string[]> {
    options?.signal?.throwIfAborted();
    const hits: { id: string; latest: bigint }[] = [];
    let n = 0;
    // Map iteration tolerates the writes made during the turns given away.
    for (const [id, entry] of this.traces) {
      if (++n % SCAN_SLICE === 0) await this.pause(options?.signal);
      let latest: bigint | undefined;
      for (const s of entry.spans) {
        if (spanMatches(s, query) && (latest === undefined || s.startTimeUnixNano > latest)) latest = s.startTimeUnixNano;
      }
      if (latest !== undefined) hits.push({ id, latest });
    }
    hits.sort((a, b) => (a.latest === b.latest ? 0 : a.latest > b.latest ? -1 : 1));
    return hits.slice(0, query.limit).map((h) => h.id);
  }

  async findTraces(query: TraceQuery, options?: ReadOptions): Promise<Span[][]> {
    const ids = await this.findTraceIds(query, options);
    // A trace evicted during the scan's pauses is left out.
    const traces = ids.flatMap((id) => {
      const entry = this.traces.get(id);
      return entry ? [entry.spans.slice()] : [];
    });
    return fitTraces(traces, options);
  }

  async getDependencies(query: DependencyQuery, options?: ReadOptions): Promise<DependencyLink[]> {
    const from = query.endTime - query.lookback;
    options?.signal?.throwIfAborted();
    const counter = new DependencyCounter();
    let n = 0;
    for (const entry of this.traces.values()) {
      if (++n % SCAN_SLICE === 0) await this.pause(options?.signal);
      if (entry.minStart >= from && entry.minStart <= query.endTime) counter.addTrace(entry.spans);
    }
    return counter.links();
  }

  async close(): Promise<void> {
    this.traces.clear();
  }

  /** Lets requests (a cancellation among them) run, then stops the scan if its query was abandoned. */
  private async pause(signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return;
    await nextTurn();
    if (signal.aborted) {
      this.metrics?.storageReadsCancelled.inc({ store: this.type });
      signal.throwIfAborted();
    }
  }

  private evictOldest(): void {
    const oldest = this.traces.keys().next();
    if (!oldest.done) this.traces.delete(oldest.value);
  }

  private recordOperation(span: Span): void {
    const service = span.resource.serviceName;
    let ops = this.operations.get(service);
    if (!ops) {
      ops = new Map();
      this.operations.set(service, ops);
    }
    const key = span.kind + '\u0000' + span.name;
    if (!ops.has(key)) ops.set(key, { name: span.name, spanKind: span.kind });
  }
}
