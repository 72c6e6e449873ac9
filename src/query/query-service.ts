import type { Span } from '../model/span.ts';
import type { SpanWithWarnings } from '../protocols/jaeger-json/encoder.ts';
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, TraceLookup, TraceQuery } from '../storage/api/query.ts';
import { FilterUnsupportedError, type StorageBackend } from '../storage/api/storage.ts';
import type { Adjuster } from './adjusters/index.ts';
import { TraceNotFoundError } from './errors.ts';

/**
 * Between the HTTP/gRPC handlers and the SpanReader: checks a search against
 * what the backend can do, and runs the adjusters on every trace it returns
 * (unless the caller asks for raw traces).
 */
export class QueryService {
  private readonly backend: StorageBackend;
  private readonly adjuster: Adjuster;

  constructor(backend: StorageBackend, adjuster: Adjuster) {
    this.backend = backend;
    this.adjuster = adjuster;
  }

  /** The trace's spans; throws TraceNotFoundError when the store has none. */
  async getTrace(lookup: TraceLookup, raw = false): Promise<SpanWithWarnings[]> {
    const spans = await this.backend.reader.getTrace(lookup);
    if (spans.length === 0) throw new TraceNotFoundError(lookup.traceId);
    return this.adjust(spans, raw);
  }

  /** Several traces by ID; the ones not found are listed apart. */
  async getTraces(lookups: TraceLookup[], raw = false): Promise<{ traces: SpanWithWarnings[][]; missing: string[] }> {
    const traces: SpanWithWarnings[][] = [];
    const missing: string[] = [];
    for (const l of lookups) {
      const spans = await this.backend.reader.getTrace(l);
      if (spans.length === 0) missing.push(l.traceId);
      else traces.push(this.adjust(spans, raw));
    }
    return { traces, missing };
  }

  async findTraces(query: TraceQuery, raw = false): Promise<SpanWithWarnings[][]> {
    this.checkCapabilities(query);
    const traces = await this.backend.reader.findTraces(query);
    return traces.map((t) => this.adjust(t, raw));
  }

  getServices(): Promise<string[]> {
    return this.backend.reader.getServices();
  }

  getOperations(query: OperationQuery): Promise<Operation[]> {
    return this.backend.reader.getOperations(query);
  }

  getDependencies(query: DependencyQuery): Promise<DependencyLink[]> {
    return this.backend.reader.getDependencies(query);
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

  private adjust(spans: Span[], raw: boolean): SpanWithWarnings[] {
    return raw ? spans : this.adjuster.adjust(spans);
  }
}
