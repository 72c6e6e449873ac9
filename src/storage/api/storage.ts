import type { Span } from '../../model/span.ts';
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, TraceLookup, TraceQuery } from './query.ts';

/**
 * Jaeger's storage split: a writer and a reader, several backends behind them.
 */
export interface SpanWriter {
  /**
   * Resolves only once the spans are durable in this backend (for a durable
   * store: committed; for memory: visible to readers). The writer takes
   * ownership of `spans`: the caller must not mutate them afterwards.
   * Rejects with a RetryableError when the store is briefly unable to write.
   */
  writeSpans(spans: Span[]): Promise<void>;
}

/**
 * Returned spans belong to the caller only for reading: backends may share
 * span objects between calls, so copy before changing anything.
 */
export interface SpanReader {
  /** All spans of one trace, or [] when the trace is unknown. */
  getTrace(lookup: TraceLookup): Promise<Span[]>;
  getServices(): Promise<string[]>;
  getOperations(query: OperationQuery): Promise<Operation[]>;
  /** IDs of the matching traces, most recent first, at most `limit`. */
  findTraceIds(query: TraceQuery): Promise<string[]>;
  /** The matching traces, whole, most recent first. */
  findTraces(query: TraceQuery): Promise<Span[][]>;
  /** Calls between services, from parent/child spans across services. */
  getDependencies(query: DependencyQuery): Promise<DependencyLink[]>;
}

/** What a backend can search on; the query layer refuses what it cannot rather than answer approximately. */
export interface SearchCapabilities {
  searchWithoutService: boolean;
  tagNotEquals: boolean;
  tagExists: boolean;
}

/** One backend: owns its resources, hands out a writer and a reader. */
export interface StorageBackend {
  readonly type: string;
  readonly capabilities: SearchCapabilities;
  readonly writer: SpanWriter;
  readonly reader: SpanReader;
  close(): Promise<void>;
}

export class FilterUnsupportedError extends Error {}
