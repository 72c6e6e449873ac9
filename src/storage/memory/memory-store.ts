import type { Span } from '../../model/span.ts';
import { DependencyCounter } from '../api/dependencies.ts';
import { spanMatches } from '../api/match.ts';
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, TraceLookup, TraceQuery } from '../api/query.ts';
import type { SearchCapabilities, SpanReader, SpanWriter, StorageBackend } from '../api/storage.ts';

export interface MemoryStoreConfig {
  /** Traces kept; the trace first seen longest ago is evicted first. */
  maxTraces: number;
}

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

  constructor(config: MemoryStoreConfig) {
    if (!Number.isInteger(config.maxTraces) || config.maxTraces < 1) throw new Error('memory store: maxTraces must be a positive integer');
    this.maxTraces = config.maxTraces;
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

  async getTrace(lookup: TraceLookup): Promise<Span[]> {
    return this.traces.get(lookup.traceId)?.spans.slice() ?? [];
  }

  async getServices(): Promise<string[]> {
    return [...this.operations.keys()].sort();
  }

  async getOperations(query: OperationQuery): Promise<Operation[]> {
    const ops = this.operations.get(query.service);
    if (!ops) return [];
    return [...ops.values()]
      .filter((o) => query.spanKind === undefined || o.spanKind === query.spanKind)
      .sort((a, b) => a.name.localeCompare(b.name) || a.spanKind - b.spanKind);
  }

  async findTraceIds(query: TraceQuery): Promise<string[]> {
    const hits: { id: string; latest: bigint }[] = [];
    for (const [id, entry] of this.traces) {
      let latest: bigint | undefined;
      for (const s of entry.spans) {
        if (spanMatches(s, query) && (latest === undefined || s.startTimeUnixNano > latest)) latest = s.startTimeUnixNano;
      }
      if (latest !== undefined) hits.push({ id, latest });
    }
    hits.sort((a, b) => (a.latest === b.latest ? 0 : a.latest > b.latest ? -1 : 1));
    return hits.slice(0, query.limit).map((h) => h.id);
  }

  async findTraces(query: TraceQuery): Promise<Span[][]> {
    const ids = await this.findTraceIds(query);
    return ids.map((id) => this.traces.get(id)!.spans.slice());
  }

  async getDependencies(query: DependencyQuery): Promise<DependencyLink[]> {
    const from = query.endTime - query.lookback;
    const counter = new DependencyCounter();
    for (const entry of this.traces.values()) {
      if (entry.minStart >= from && entry.minStart <= query.endTime) counter.addTrace(entry.spans);
    }
    return counter.links();
  }

  async close(): Promise<void> {
    this.traces.clear();
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
