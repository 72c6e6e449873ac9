import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { DependencyLink, Operation, TraceQuery } from '../api/query.ts';
import type { TruncatedTrace } from '../api/storage.ts';
import type { Span, SpanKind } from '../../model/span.ts';
import type { EncodedBatch } from './batch-encoder.ts';
import { PartitionSet, type Log, type Partition } from './partition-set.ts';
import { dependenciesSql, operationsSql, servicesSql, type Sql } from './query-sql.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { isCorruption } from './salvage.ts';
import { appendToPartition } from './span-appender.ts';
import { SpanRowDecoder } from './span-rows.ts';
import { readTraces, type Run, type TraceReadResult } from './trace-reader.ts';
import { searchTraceIds } from './trace-search.ts';
import type { WorkerMessage, WorkerRequest, WorkerSettings } from './worker-protocol.ts';

/**
 * The embedded store's own thread: it owns the DuckDB instance (one process
 * may not open a database file twice), appends and commits writes one at a
 * time, and runs queries on their own connections meanwhile (DuckDB runs
 * those on its threads; only the appender calls block this thread).
 */

const port = parentPort!;
const settings = workerData as WorkerSettings;
const send = (m: WorkerMessage) => port.postMessage(m);
const log: Log = (level, msg, fields) => send({ op: 'log', level, msg, ...(fields ? { fields } : {}) });

let instance: DuckDBInstance;
let unlock: (() => void) | undefined;
let sweepTimer: NodeJS.Timeout | undefined;
let writeConn: DuckDBConnection;
let partitions: PartitionSet;
const decoder = new SpanRowDecoder();

// Writes, partition creation and drops run one at a time on the write connection.
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = chain.then(fn);
  chain = run.catch(() => undefined);
  return run;
}

async function init(): Promise<void> {
  mkdirSync(settings.dataDir, { recursive: true });
  unlock = lockDataDir(settings.dataDir);
  instance = await DuckDBInstance.create(':memory:', {
    threads: String(settings.threads),
    memory_limit: settings.memoryLimit,
    temp_directory: path.join(settings.dataDir, '.tmp'),
    // DuckDB's default (16MB of WAL) checkpointed every ~80k spans, rewriting the partly filled
    // row groups each time: larger checkpoints measured 25% less CPU and 10-30% less disk.
    checkpoint_threshold: settings.checkpointThreshold,
  });
  writeConn = await instance.connect();
  partitions = new PartitionSet(writeConn, settings.dataDir, settings.partitionWidthNs, log, (partition) => send({ op: 'damaged', partition }));
  await partitions.openExisting();
  await sweep();
  sweepTimer = setInterval(() => void serial(sweep).catch((err) => log('error', `embedded store: retention sweep failed: ${String(err)}`)), settings.sweepIntervalMs);
  sweepTimer.unref();
}

async function write(batch: EncodedBatch): Promise<void> {
  const width = settings.partitionWidthNs;
  const groups = new Map<bigint, number[]>();
  for (let i = 0; i < batch.count; i++) {
    const start = batch.times[i * 2]!;
    const key = start - (start % width);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  // A batch straddling a partition boundary commits once per partition (DuckDB writes one attached file per transaction).
  for (const [key, idx] of groups) {
    const p = await partitions.forStart(key);
    await appendToPartition(writeConn, p, batch, idx);
  }
  if (settings.maxDiskBytes !== undefined) await enforceDiskCap(settings.maxDiskBytes);
  reportDisk();
}

async function sweep(): Promise<void> {
  const cutoff = BigInt(Date.now()) * 1_000_000n - settings.retentionNs;
  for (const p of partitions.all()) {
    // Kept until both its time range and its last write are older than the retention (data arriving late still gets the full window).
    if (p.endNs <= cutoff && p.lastWriteNs <= cutoff) {
      await partitions.drop(p, 'older than the retention period');
      send({ op: 'dropped', reason: 'retention' });
    }
  }
  if (settings.maxDiskBytes !== undefined) await enforceDiskCap(settings.maxDiskBytes);
  reportDisk(true);
}

let lastDiskReport = 0;
/** Tells the main thread (metrics) the files' size: after every sweep, and at most once a second after writes. */
function reportDisk(force = false): void {
  if (!force && Date.now() - lastDiskReport < 1000) return;
  lastDiskReport = Date.now();
  const parts = partitions.all();
  send({ op: 'disk', bytes: parts.reduce((n, p) => n + partitions.diskBytes(p), 0), partitions: parts.length });
}

let lastCapCheck = 0;
async function enforceDiskCap(maxBytes: number): Promise<void> {
  if (Date.now() - lastCapCheck < 1000) return;
  lastCapCheck = Date.now();
  let parts = partitions.all();
  let total = parts.reduce((n, p) => n + partitions.diskBytes(p), 0);
  while (total > maxBytes && parts.length > 1) {
    const oldest = parts[0]!;
    const bytes = partitions.diskBytes(oldest);
    log('warn', `embedded store: ${total} bytes on disk exceed the cap of ${maxBytes}: dropping the oldest partition`, { file: oldest.file, bytes });
    await partitions.drop(oldest, `disk cap of ${maxBytes} bytes`);
    send({ op: 'dropped', reason: 'max_disk' });
    total -= bytes;
    parts = partitions.all();
  }
}

let busyReads = 0;

/**
 * One read request: a cancel marks it and interrupts the DuckDB queries it
 * is running, and it starts no other (Run throws CancelledRead).
 */
interface ReadContext {
  cancelled: boolean;
  running: Set<DuckDBConnection>;
}

class CancelledRead extends Error {
  constructor() {
    super('read cancelled');
  }
}

const reads = new Map<number, ReadContext>();

function cancelRead(id: number): void {
  const ctx = reads.get(id);
  if (!ctx || ctx.cancelled) return;
  ctx.cancelled = true;
  for (const conn of ctx.running) conn.interrupt();
}

/**
 * Runs `body` over the partitions overlapping [min, max] (newest first), on
 * one connection of its own, holding the partitions until it ends so a
 * retention drop waits. A body may run several queries; `part` numbers in
 * its SQL index `aliases`.
 */
async function withParts<T>(ctx: ReadContext, min: bigint | undefined, max: bigint | undefined, body: (aliases: string[], run: Run, parts: Partition[]) => Promise<T>, empty: T, retry = true): Promise<T> {
  const parts: Partition[] = partitions.acquire(min, max);
  busyReads++;
  let corrupt: { part: Partition; reason: string }[] = [];
  try {
    if (parts.length === 0) return empty;
    try {
      return await onConnection(ctx, (run) => body(parts.map((p) => p.alias), run, parts));
    } catch (err) {
      if (!retry || ctx.cancelled || !isCorruption(err)) throw err;
      corrupt = await findCorrupt(ctx, parts, body);
      if (corrupt.length === 0) throw err;
    }
  } finally {
    partitions.release(parts);
    busyReads--;
  }
  // Damage found only now (a block failing its checksum): salvage that file and answer from what is readable.
  for (const { part, reason } of corrupt) await serial(() => partitions.quarantine(part, reason));
  return withParts(ctx, min, max, body, empty, false);
}

/** A read made of one query. */
function read<T>(ctx: ReadContext, min: bigint | undefined, max: bigint | undefined, build: (aliases: string[]) => Sql | undefined, use: (rows: DuckDBValue[][]) => T, empty: T): Promise<T> {
  return withParts(ctx, min, max, async (aliases, run) => use(await run(build(aliases))), empty);
}

/**
 * Runs `fn` with a Run of its own: each query takes an idle connection of
 * this read (opening one when all are busy), so a read may run queries
 * concurrently with Promise.all. The connections close when `fn` ends.
 * Results are streamed, chunk by chunk: materialised first, a large answer
 * counted whole against DuckDB's memory limit and failed with Out of Memory.
 */
async function onConnection<T>(ctx: ReadContext, fn: (run: Run) => Promise<T>): Promise<T> {
  const idle: DuckDBConnection[] = [];
  const all: DuckDBConnection[] = [];
  const run: Run = async (sql) => {
    if (ctx.cancelled) throw new CancelledRead();
    if (!sql) return [];
    const conn = idle.pop() ?? (await instance.connect());
    if (!all.includes(conn)) all.push(conn);
    ctx.running.add(conn);
    try {
      if (ctx.cancelled) throw new CancelledRead();
      return (await conn.streamAndReadAll(sql.text, sql.params)).getRows();
    } catch (err) {
      throw ctx.cancelled ? new CancelledRead() : err;
    } finally {
      ctx.running.delete(conn);
      idle.push(conn);
    }
  };
  try {
    return await fn(run);
  } finally {
    for (const conn of all) conn.closeSync();
  }
}

/** Repeats a failed read on each partition alone to learn which ones are damaged. */
async function findCorrupt<T>(ctx: ReadContext, parts: Partition[], body: (aliases: string[], run: Run, parts: Partition[]) => Promise<T>): Promise<{ part: Partition; reason: string }[]> {
  const out: { part: Partition; reason: string }[] = [];
  for (const part of parts) {
    try {
      await onConnection(ctx, (run) => body([part.alias], run, [part]));
    } catch (err) {
      if (isCorruption(err)) out.push({ part, reason: (err as Error).message });
    }
  }
  return out;
}

const HEX32 = /^[0-9a-f]{32}$/;

async function traces(ctx: ReadContext, ids: bigint[], maxBytes: number | undefined, min?: bigint, max?: bigint): Promise<TraceReadResult> {
  const none: TraceReadResult = { spans: [], truncated: [] };
  if (ids.length === 0) return none;
  const result = await withParts(ctx, min, max, (_, run, parts) => readTraces(parts, run, ids, decoder, maxBytes), none);
  if (busyReads === 0) decoder.trim();
  return result;
}

function findTraceIds(ctx: ReadContext, q: TraceQuery): Promise<bigint[]> {
  if (q.limit <= 0) return Promise.resolve([]);
  return withParts(ctx, q.startTimeMin, q.startTimeMax, (_, run, parts) => searchTraceIds(parts, run, q), []);
}

const hex = (id: bigint) => id.toString(16).padStart(32, '0');

/** A reply's value, and for trace reads the traces the byte budget cut. */
type Answer = { value: unknown; truncated?: TruncatedTrace[] };

async function handle(req: WorkerRequest): Promise<Answer> {
  if (req.op === 'write') return { value: await serial(() => write(req.batch)) };
  if (req.op === 'sweep') return { value: await serial(sweep) };
  if (req.op === 'cancel') {
    cancelRead(req.target);
    return { value: undefined };
  }
  if (req.op === 'close') {
    return {
      value: await serial(async () => {
        clearInterval(sweepTimer);
        await partitions.closeAll();
        writeConn.closeSync();
        instance.closeSync();
        unlock?.();
      }),
    };
  }
  const ctx: ReadContext = { cancelled: false, running: new Set() };
  reads.set(req.id, ctx);
  try {
    return await handleRead(ctx, req);
  } catch (err) {
    if (ctx.cancelled) send({ op: 'cancelled' });
    throw err;
  } finally {
    reads.delete(req.id);
  }
}

type ReadRequest = Exclude<WorkerRequest, { op: 'write' | 'sweep' | 'cancel' | 'close' }>;

async function handleRead(ctx: ReadContext, req: ReadRequest): Promise<Answer> {
  switch (req.op) {
    case 'getTrace': {
      if (!HEX32.test(req.lookup.traceId)) return { value: [] };
      const { spans, truncated } = await traces(ctx, [BigInt('0x' + req.lookup.traceId)], req.maxBytes, req.lookup.startTime, req.lookup.endTime);
      return { value: spans, truncated };
    }
    case 'getServices':
      return { value: await read(ctx, undefined, undefined, servicesSql, (rows) => rows.map((r) => r[0] as string), []) };
    case 'getOperations':
      return {
        value: await read(
          ctx,
          undefined,
          undefined,
          (aliases) => operationsSql(aliases, req.query.service, req.query.spanKind),
          (rows): Operation[] => rows.map((r) => ({ name: r[0] as string, spanKind: r[1] as SpanKind })),
          [],
        ),
      };
    case 'findTraceIds':
      return { value: (await findTraceIds(ctx, req.query)).map(hex) };
    case 'findTraces': {
      const ids = await findTraceIds(ctx, req.query);
      const { spans, truncated } = await traces(ctx, ids, req.maxBytes);
      const byTrace = new Map<string, Span[]>(ids.map((id) => [hex(id), []]));
      for (const s of spans) byTrace.get(s.traceId)?.push(s);
      return { value: [...byTrace.values()].filter((t) => t.length > 0), truncated };
    }
    case 'getDependencies': {
      const from = req.query.endTime - req.query.lookback;
      const to = req.query.endTime;
      return {
        value: await read(
          ctx,
          from,
          to,
          (aliases) => dependenciesSql(aliases, from, to),
          (rows): DependencyLink[] =>
            rows
              .map((r) => ({ parent: r[0] as string, child: r[1] as string, callCount: Number(r[2] as bigint) }))
              .sort((a, b) => a.parent.localeCompare(b.parent) || a.child.localeCompare(b.child)),
          [],
        ),
      };
    }
  }
}

port.on('message', (req: WorkerRequest) => {
  handle(req)
    .then(
      ({ value, truncated }) => send({ op: 'reply', id: req.id, ok: true, value, ...(truncated && truncated.length > 0 ? { truncated } : {}) }),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        // Bad data in the batch cannot succeed on retry; anything DuckDB refuses (I/O, locks, memory) might.
        const retryable = !(err instanceof TypeError || err instanceof RangeError);
        send({ op: 'reply', id: req.id, ok: false, message, retryable });
      },
    )
    .finally(() => {
      // Ending by itself rather than by worker.terminate(): terminating a thread while the
      // native addon runs a callback (a finalizer, say) aborts the whole process.
      if (req.op === 'close') port.close();
    });
});

init().then(
  () => send({ op: 'ready' }),
  (err: unknown) => {
    // Closed here and the thread left to end by itself: terminating it with DuckDB objects alive aborts the process (see close).
    clearInterval(sweepTimer);
    try {
      // Unset when init failed before creating them.
      writeConn?.closeSync();
      instance?.closeSync();
    } catch {
      // nothing more to release
    }
    unlock?.();
    send({ op: 'failed', message: err instanceof Error ? err.message : String(err) });
    port.close();
  },
);
