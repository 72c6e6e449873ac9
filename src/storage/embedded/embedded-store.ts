import { Worker } from 'node:worker_threads';
import { pino, type Logger } from 'pino';
import { PermanentError, RetryableError } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, TraceLookup, TraceQuery } from '../api/query.ts';
import type { ReadOptions, SearchCapabilities, SpanReader, SpanWriter, StorageBackend, StorageStatus } from '../api/storage.ts';
import { encodeBatch } from './batch-encoder.ts';
import type { WaymarkMetrics } from '../../observability/metrics.ts';
import type { DamagedPartition } from './partition-set.ts';
import type { WorkerMessage, WorkerRequest, WorkerSettings } from './worker-protocol.ts';
import { INT64_MAX, storableDependencies, storableLookup, storableQuery } from './storable-window.ts';

export interface EmbeddedStoreOptions {
  /** Directory of the partition files; created when missing. */
  dataDir: string;
  /** Nanoseconds a partition is kept after both its time range and its last write. */
  retention: bigint;
  /** Drop the oldest partitions while the files take more than this. */
  maxDiskBytes?: number;
  /** Span start time covered by one partition file, ns; whole seconds. Default: one day. */
  partitionWidth?: bigint;
  logger?: Logger;
  /** DuckDB's memory limit (e.g. "1GB"). Default 512MB. */
  memoryLimit?: string;
  /** Write-ahead log size that triggers a checkpoint into the partition file (DuckDB's checkpoint_threshold). Default 128MB. */
  checkpointThreshold?: string;
  /** DuckDB worker threads. Default 2. */
  threads?: number;
  /** How often retention and the disk cap are checked. Default: a tenth of the partition width, between 1 s and 1 min. */
  sweepIntervalMs?: number;
  /** Counts dropped and damaged partitions and the bytes on disk. */
  metrics?: WaymarkMetrics;
}

const DAY_NS = 86_400_000_000_000n;

const maxBytesOf = (options: ReadOptions | undefined) => (options?.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {});

/**
 * DuckDB's own error text, for a client: its first line only (it follows an
 * Out of Memory error with tuning advice for DuckDB's users, which means
 * nothing to a Waymark client), and a plain word for memory.
 */
function storeMessage(message: string): string {
  const first = message.split('\n', 1)[0]!.trim();
  if (/out of memory/i.test(first)) return `the query needed more memory than --store-memory allows; narrow the search (a shorter window, more filters, a smaller limit) (${first})`;
  return first;
}
// 1GB let RSS reach 1.5 GB at 10M spans in one partition (buffers kept for reads). 256MB
// failed queries with "Out of Memory" while up to 128MB of WAL (checkpoint_threshold) waited
// in memory uncompressed. See docs/storage-embedded.md.
const DEFAULT_MEMORY_LIMIT = '512MB';
const SLOW_CLOSE_MS = 10_000;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onTruncated?: ReadOptions['onTruncated'] };

/**
 * The persistent store (DuckDB files, one per time partition) behind the
 * storage interface. Everything DuckDB does happens in store-worker.ts; this
 * side encodes write batches into transferable columns and forwards calls.
 */
export class EmbeddedStore implements StorageBackend, SpanWriter, SpanReader {
  readonly type = 'embedded';
  readonly capabilities: SearchCapabilities = { searchWithoutService: true, tagNotEquals: true, tagExists: true };
  readonly writer: SpanWriter = this;
  readonly reader: SpanReader = this;
  /** Damaged partition files moved aside (and logged), at start-up or since, with what was salvaged from each. */
  readonly damaged: DamagedPartition[];

  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;
  private readonly logger: Logger;

  private constructor(worker: Worker, damaged: DamagedPartition[], exited: Promise<void>, logger: Logger) {
    this.worker = worker;
    this.logger = logger;
    this.damaged = damaged;
    this.exited = exited;
  }

  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    const width = options.partitionWidth ?? DAY_NS;
    if (width < 1_000_000_000n || width % 1_000_000_000n !== 0n) throw new Error('embedded store: partition width must be a whole number of seconds');
    if (options.retention <= 0n) throw new Error('embedded store: retention must be positive');
    const memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    const settings: WorkerSettings = {
      dataDir: options.dataDir,
      retentionNs: options.retention,
      ...(options.maxDiskBytes !== undefined ? { maxDiskBytes: options.maxDiskBytes } : {}),
      partitionWidthNs: width,
      memoryLimit,
      checkpointThreshold: options.checkpointThreshold ?? '128MB',
      threads: options.threads ?? 2,
      sweepIntervalMs: options.sweepIntervalMs ?? Math.min(60_000, Math.max(1000, Number(width / 10_000_000n))),
    };
    const logger = options.logger ?? pino({ level: 'info', base: { app: 'waymark' } });
    // Runs as TypeScript from the source tree and as JavaScript from dist/.
    const script = new URL(import.meta.url.endsWith('.ts') ? './store-worker.ts' : './store-worker.js', import.meta.url);
    const worker = new Worker(script, { workerData: settings });
    let store: EmbeddedStore | undefined;
    // Found at start-up or later; the store reports them (status()) and so does /metrics.
    const damaged: DamagedPartition[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        switch (m.op) {
          case 'ready':
            resolve();
            return;
          case 'failed':
            reject(new Error(`embedded store: cannot open ${options.dataDir}: ${m.message}`));
            return;
          case 'log':
            logger[m.level](m.fields ?? {}, m.msg);
            return;
          case 'reply':
            store?.settle(m);
            return;
          case 'dropped':
            options.metrics?.storagePartitionsDropped.inc({ reason: m.reason });
            return;
          case 'damaged':
            damaged.push(m.partition);
            options.metrics?.storagePartitionsDamaged.inc();
            if (m.partition.salvagedSpans !== undefined) options.metrics?.storageSalvagedSpans.inc(m.partition.salvagedSpans);
            if (m.partition.unreadableSpans !== undefined) options.metrics?.storageUnreadableSpans.inc(m.partition.unreadableSpans);
            return;
          case 'cancelled':
            options.metrics?.storageReadsCancelled.inc({ store: 'embedded' });
            return;
          case 'disk':
            options.metrics?.storageDiskBytes.set(m.bytes);
            options.metrics?.storagePartitions.set(m.partitions);
        }
      });
      worker.on('error', (cause: unknown) => {
        const err = cause instanceof Error ? cause : new Error(String(cause));
        reject(err);
        store?.fail(err);
      });
      worker.on('exit', (code) => {
        const err = new Error(`embedded store: worker exited (code ${code})`);
        reject(err);
        store?.fail(err);
      });
    });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    try {
      await ready;
    } catch (err) {
      // The worker closes DuckDB and ends by itself after failing (never worker.terminate(): see close()).
      await exited;
      throw err;
    }
    store = new EmbeddedStore(worker, damaged, exited, logger);
    return store;
  }

  status(): StorageStatus {
    return { damaged: [...this.damaged] };
  }

  async writeSpans(spans: Span[]): Promise<void> {
    if (spans.length === 0) return;
    for (const s of spans) {
      if (s.startTimeUnixNano < 0n || s.startTimeUnixNano > INT64_MAX || s.endTimeUnixNano < 0n || s.endTimeUnixNano > INT64_MAX) {
        throw new PermanentError(`span ${s.spanId} of trace ${s.traceId}: time outside the storable range (0 to 2^63-1 ns)`);
      }
    }
    const { batch, transfer } = encodeBatch(spans);
    await this.call({ id: 0, op: 'write', batch }, transfer);
  }

  getTrace(lookup: TraceLookup, options?: ReadOptions): Promise<Span[]> {
    return this.call({ id: 0, op: 'getTrace', lookup: storableLookup(lookup), ...maxBytesOf(options) }, [], options) as Promise<Span[]>;
  }

  getServices(options?: ReadOptions): Promise<string[]> {
    return this.call({ id: 0, op: 'getServices' }, [], options) as Promise<string[]>;
  }

  getOperations(query: OperationQuery, options?: ReadOptions): Promise<Operation[]> {
    return this.call({ id: 0, op: 'getOperations', query }, [], options) as Promise<Operation[]>;
  }

  findTraceIds(query: TraceQuery, options?: ReadOptions): Promise<string[]> {
    const q = storableQuery(query);
    if (!q) return Promise.resolve([]);
    return this.call({ id: 0, op: 'findTraceIds', query: q }, [], options) as Promise<string[]>;
  }

  findTraces(query: TraceQuery, options?: ReadOptions): Promise<Span[][]> {
    const q = storableQuery(query);
    if (!q) return Promise.resolve([]);
    return this.call({ id: 0, op: 'findTraces', query: q, ...maxBytesOf(options) }, [], options) as Promise<Span[][]>;
  }

  getDependencies(query: DependencyQuery, options?: ReadOptions): Promise<DependencyLink[]> {
    return this.call({ id: 0, op: 'getDependencies', query: storableDependencies(query) }, [], options) as Promise<DependencyLink[]>;
  }

  /** Applies retention and the disk cap now (they also run on a timer). */
  async sweep(): Promise<void> {
    await this.call({ id: 0, op: 'sweep' });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) await this.call({ id: 0, op: 'close' }).catch(() => undefined);
      this.failure ??= new Error('embedded store: closed');
      // The worker ends itself once its files are closed (see store-worker.ts). It is never terminated: ending
      // its thread while a DuckDB call is in flight (a checkpoint on DETACH, a WAL replay) aborts the whole process
      // ("terminate called after throwing an instance of 'Napi::Error'": the addon throws from its completion callback
      // once JavaScript may no longer run), which is no better than the kill -9 a stuck shutdown gets from its supervisor.
      const slow = setTimeout(() => this.logger.warn('embedded store: still closing its files (checkpointing the write-ahead log)'), SLOW_CLOSE_MS);
      await this.exited;
      clearTimeout(slow);
    })();
    return this.closing;
  }

  /**
   * Sends one request. With a signal, aborting it rejects the call at once
   * with the signal's reason and tells the worker to stop the read.
   */
  private call(req: WorkerRequest, transfer: ArrayBuffer[] = [], options?: ReadOptions): Promise<unknown> {
    if (this.failure) return Promise.reject(new RetryableError(this.failure.message));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const id = this.nextId++;
    req.id = id;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        this.worker.postMessage({ id: 0, op: 'cancel', target: id } satisfies WorkerRequest);
        reject(signal!.reason as Error);
      };
      const settled = <T>(fn: (v: T) => void) => (v: T) => {
        signal?.removeEventListener('abort', onAbort);
        fn(v);
      };
      this.pending.set(id, { resolve: settled(resolve), reject: settled(reject), ...(options?.onTruncated ? { onTruncated: options.onTruncated } : {}) });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage(req, transfer);
    });
  }

  private settle(m: Extract<WorkerMessage, { op: 'reply' }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) {
      for (const t of m.truncated ?? []) p.onTruncated?.(t);
      p.resolve(m.value);
    } else p.reject(m.retryable ? new RetryableError(`embedded store: ${storeMessage(m.message)}`) : new PermanentError(`embedded store: ${storeMessage(m.message)}`));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(new RetryableError(err.message));
    this.pending.clear();
  }
}
