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
 * Every read takes `options` (ReadOptions): a signal that abandons it, and
 * for the trace reads a byte budget of the answer.
 */
export interface SpanReader {
  /** All spans of one trace (within `maxBytes`), or [] when the trace is unknown. */
  getTrace(lookup: TraceLookup, options?: ReadOptions): Promise<Span[]>;
  getServices(options?: ReadOptions): Promise<string[]>;
  getOperations(query: OperationQuery, options?: ReadOptions): Promise<Operation[]>;
  /** IDs of the matching traces, most recent first, at most `limit`. */
  findTraceIds(query: TraceQuery, options?: ReadOptions): Promise<string[]>;
  /** The matching traces, whole (within `maxBytes`), most recent first. */
  findTraces(query: TraceQuery, options?: ReadOptions): Promise<Span[][]>;
  /** Calls between services, from parent/child spans across services. */
  getDependencies(query: DependencyQuery, options?: ReadOptions): Promise<DependencyLink[]>;
}

/**
 * How one read is bounded. A trace read keeps its answer within `maxBytes`
 * of span data (see spanDataBytes): traces are taken whole, most recent
 * first, while they fit; the first that does not is cut to its earliest
 * spans that do, and the ones after it are left out. Each cut or left out
 * trace is reported to `onTruncated`, so the query layer can say so.
 */
export interface ReadOptions {
  /** Abandons the read: it rejects with the signal's reason, and the store stops working on it. */
  signal?: AbortSignal;
  maxBytes?: number;
  onTruncated?: (t: TruncatedTrace) => void;
}

export interface TruncatedTrace {
  traceId: string;
  /** Spans in the answer (0: the trace was left out) of the trace's total. */
  keptSpans: number;
  totalSpans: number;
}

/** What a backend can search on; the query layer refuses what it cannot rather than answer approximately. */
export interface SearchCapabilities {
  searchWithoutService: boolean;
  tagNotEquals: boolean;
  tagExists: boolean;
}

/** A damaged store file that was set aside, and what could be read out of it. */
export interface DamagedFile {
  file: string;
  /** Where the damaged original was moved (kept for inspection or recovery by hand). */
  movedTo: string;
  reason: string;
  /** When it was found, ISO 8601. */
  foundAt: string;
  /** Spans copied out of it into a fresh file, still served; absent when nothing could be read. */
  salvagedSpans?: number;
  /** Spans it held that could not be read; absent when unknown (the file would not open at all). */
  unreadableSpans?: number;
}

/** What the query API reports about the store's health (GET /api/storage/status). */
export interface StorageStatus {
  damaged: DamagedFile[];
}

/** One backend: owns its resources, hands out a writer and a reader. */
export interface StorageBackend {
  readonly type: string;
  readonly capabilities: SearchCapabilities;
  readonly writer: SpanWriter;
  readonly reader: SpanReader;
  /** Damage found in the stored data since start-up (backends that keep nothing on disk have none). */
  status?(): StorageStatus;
  close(): Promise<void>;
}

export class FilterUnsupportedError extends Error {}
