import type { DependencyQuery, OperationQuery, TraceLookup, TraceQuery } from '../api/query.ts';
import type { TruncatedTrace } from '../api/storage.ts';
import type { EncodedBatch } from './batch-encoder.ts';
import type { DamagedPartition } from './partition-set.ts';

/** The messages between EmbeddedStore (main thread) and store-worker.ts. */

export interface WorkerSettings {
  dataDir: string;
  retentionNs: bigint;
  maxDiskBytes?: number;
  partitionWidthNs: bigint;
  /** DuckDB settings. */
  memoryLimit: string;
  checkpointThreshold: string;
  threads: number;
  sweepIntervalMs: number;
}

export type WorkerRequest =
  | { id: number; op: 'write'; batch: EncodedBatch }
  | { id: number; op: 'getTrace'; lookup: TraceLookup; maxBytes?: number }
  | { id: number; op: 'getServices' }
  | { id: number; op: 'getOperations'; query: OperationQuery }
  | { id: number; op: 'findTraceIds'; query: TraceQuery }
  | { id: number; op: 'findTraces'; query: TraceQuery; maxBytes?: number }
  | { id: number; op: 'getDependencies'; query: DependencyQuery }
  | { id: number; op: 'sweep' }
  | { id: number; op: 'close' }
  /** Stop working on read `target`: its running DuckDB queries are interrupted, and it runs no more. */
  | { id: number; op: 'cancel'; target: number };

export type WorkerMessage =
  | { op: 'reply'; id: number; ok: true; value: unknown; truncated?: TruncatedTrace[] }
  | { op: 'reply'; id: number; ok: false; message: string; retryable: boolean }
  | { op: 'ready' }
  | { op: 'failed'; message: string }
  | { op: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
  /** For the metrics and the storage status: a partition deleted, or found damaged (and what was salvaged), and the files' size now. */
  | { op: 'dropped'; reason: DropReason }
  | { op: 'damaged'; partition: DamagedPartition }
  | { op: 'disk'; bytes: number; partitions: number }
  /** A read stopped on a cancel. */
  | { op: 'cancelled' };

export type DropReason = 'retention' | 'max_disk';
