import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { DamagedFile } from '../api/storage.ts';
import { catalogAlias, parsePartitionFileName, partitionFileName, partitionRangeFor, sqlString, type PartitionRange } from './partition-files.ts';
import { isCorruption, salvagePartition } from './salvage.ts';
import { FORMAT_VERSION, partitionSchema } from './schema.ts';

export type Log = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** One attached partition file and what the writer remembers about it. */
export interface Partition extends PartitionRange {
  file: string;
  alias: string;
  /** Last `seq` used in this file's spans table. */
  seq: bigint;
  /** Content hash -> this file's number for it. */
  resources: Map<bigint, number>;
  scopes: Map<bigint, number>;
  /** Attribute key -> its number in attr_keys. */
  attrKeys: Map<string, number>;
  /** "service\0kind\0name" */
  operations: Set<string>;
  /** Earliest and latest span start stored (undefined: no spans yet); trace-search.ts narrows windows with it. */
  starts?: [bigint, bigint];
  /** Wall-clock ns of the last write (file mtime when opened). */
  lastWriteNs: bigint;
  /** Queries running on it: it is detached only when this drops to zero. */
  refs: number;
  appenders?: Map<string, DuckDBAppender>;
}

export type DamagedPartition = DamagedFile;

/**
 * The partition files in the data directory, attached to one in-memory
 * DuckDB instance under their own catalog names. Only the worker's write
 * connection attaches, detaches or creates; queries take references so a
 * retention drop waits for them.
 */
export class PartitionSet {
  private readonly parts = new Map<string, Partition>();
  readonly damaged: DamagedPartition[] = [];
  private readonly conn: DuckDBConnection;
  private readonly dataDir: string;
  private readonly widthNs: bigint;
  private readonly log: Log;
  private readonly onDamaged: (d: DamagedPartition) => void;

  constructor(conn: DuckDBConnection, dataDir: string, widthNs: bigint, log: Log, onDamaged: (d: DamagedPartition) => void = () => undefined) {
    this.conn = conn;
    this.dataDir = dataDir;
    this.widthNs = widthNs;
    this.log = log;
    this.onDamaged = onDamaged;
  }

  /** Attaches every partition file found; a file that will not open is moved aside and reported. */
  async openExisting(): Promise<void> {
    for (const name of readdirSync(this.dataDir).sort()) {
      const range = parsePartitionFileName(name);
      if (!range) continue;
      const file = path.join(this.dataDir, name);
      try {
        await this.attach(file, range);
      } catch (err) {
        refuseIfInUse(file, err);
        if (isTransient(err)) throw new Error(`embedded store: cannot open ${file}: ${(err as Error).message}`);
        await this.setAside(file, range, err);
      }
    }
  }

  /** The partition for a span start time, created (and attached) when new. */
  async forStart(startNs: bigint): Promise<Partition> {
    const range = partitionRangeFor(startNs, this.widthNs);
    const file = path.join(this.dataDir, partitionFileName(range.startNs, this.widthNs));
    const existing = this.parts.get(file);
    if (existing) return existing;
    try {
      return await this.attach(file, range);
    } catch (err) {
      // A damaged file under the name we need: move it aside and start a fresh one.
      if (!existsSync(file) || isTransient(err)) throw err;
      refuseIfInUse(file, err);
      await this.setAside(file, range, err);
      return this.parts.get(file) ?? this.attach(file, range);
    }
  }

  /** Partitions whose range overlaps [min, max], newest first; each one referenced until `release`. */
  acquire(min?: bigint, max?: bigint): Partition[] {
    const out: Partition[] = [];
    for (const p of this.parts.values()) {
      if (min !== undefined && p.endNs <= min) continue;
      if (max !== undefined && p.startNs > max) continue;
      p.refs++;
      out.push(p);
    }
    return out.sort((a, b) => (a.startNs === b.startNs ? 0 : a.startNs > b.startNs ? -1 : 1));
  }

  release(parts: readonly Partition[]): void {
    for (const p of parts) p.refs--;
  }

  all(): Partition[] {
    return [...this.parts.values()].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  }

  /** Bytes on disk of one attached partition (database file plus its write-ahead log). */
  diskBytes(p: Partition): number {
    let n = 0;
    for (const f of [p.file, p.file + '.wal']) if (existsSync(f)) n += statSync(f).size;
    return n;
  }

  /** Detaches and deletes a whole partition once no query uses it. */
  async drop(p: Partition, why: string): Promise<void> {
    this.parts.delete(p.file);
    while (p.refs > 0) await new Promise((r) => setTimeout(r, 5));
    this.closeAppenders(p);
    await this.conn.run(`DETACH ${p.alias}`);
    const bytes = this.diskBytes(p);
    rmSync(p.file, { force: true });
    rmSync(p.file + '.wal', { force: true });
    this.log('info', `embedded store: dropped partition ${path.basename(p.file)} (${why})`, { file: p.file, bytes, reason: why });
  }

  /** Takes a partition found damaged while serving out of service, as a damaged file found at start-up is. */
  async quarantine(p: Partition, reason: string): Promise<void> {
    if (this.parts.get(p.file) !== p) return; // already handled by another query
    this.parts.delete(p.file);
    while (p.refs > 0) await new Promise((r) => setTimeout(r, 5));
    this.closeAppenders(p);
    await this.conn.run(`DETACH ${p.alias}`).catch(() => undefined);
    await this.setAside(p.file, p, new Error(reason));
  }

  async closeAll(): Promise<void> {
    for (const p of this.parts.values()) {
      this.closeAppenders(p);
      await this.conn.run(`DETACH ${p.alias}`);
    }
    this.parts.clear();
  }

  private closeAppenders(p: Partition): void {
    for (const a of p.appenders?.values() ?? []) {
      try {
        a.closeSync();
      } catch {
        // a broken appender holds nothing committed
      }
    }
    p.appenders = undefined;
  }

  private async attach(file: string, range: PartitionRange): Promise<Partition> {
    const alias = catalogAlias(file);
    await this.conn.run(`ATTACH ${sqlString(file)} AS ${alias}`);
    try {
      await this.conn.run(partitionSchema(alias));
      await this.conn.run(
        `INSERT INTO ${alias}.meta SELECT ${FORMAT_VERSION} WHERE NOT EXISTS (SELECT 1 FROM ${alias}.meta) AND NOT EXISTS (SELECT 1 FROM ${alias}.spans)`,
      );
      const format = (await this.conn.runAndReadAll(`SELECT max(format) FROM ${alias}.meta`)).getRows()[0]![0];
      if (format !== FORMAT_VERSION) throw new Error(`written in storage format ${String(format ?? 1)}, this version reads format ${FORMAT_VERSION}`);
      const [seq, minStart, maxStart] = (await this.conn.runAndReadAll(`SELECT coalesce(max(seq), 0), min(start_ns), max(start_ns) FROM ${alias}.spans`)).getRows()[0]! as [bigint, bigint | null, bigint | null];
      const ids = async (table: string) =>
        new Map((await this.conn.runAndReadAll(`SELECT hash, id FROM ${alias}.${table}`)).getRows().map((r) => [r[0] as bigint, Number(r[1])] as const));
      const ops = (await this.conn.runAndReadAll(`SELECT service, kind, name FROM ${alias}.operations`)).getRows();
      const p: Partition = {
        ...range,
        file,
        alias,
        seq,
        starts: minStart === null || maxStart === null ? undefined : [minStart, maxStart],
        resources: await ids('resources'),
        scopes: await ids('scopes'),
        attrKeys: new Map((await this.conn.runAndReadAll(`SELECT key, id FROM ${alias}.attr_keys`)).getRows().map((r) => [r[0] as string, Number(r[1])] as const)),
        operations: new Set(ops.map((r) => `${r[0] as string}\u0000${String(r[1])}\u0000${r[2] as string}`)),
        lastWriteNs: BigInt(Math.trunc(statSync(file).mtimeMs)) * 1_000_000n,
        refs: 0,
      };
      this.parts.set(file, p);
      return p;
    } catch (err) {
      await this.conn.run(`DETACH ${alias}`).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Moves a damaged file aside (with its WAL) and, when the damage is bad
   * blocks (a checksum error), copies what is still readable into a fresh
   * file under the original name and serves that (salvage.ts). Either way
   * it is logged and reported with how many spans were saved and lost.
   */
  private async setAside(file: string, range: PartitionRange, err: unknown): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    const movedTo = `${file}.damaged-${Date.now()}`;
    renameSync(file, movedTo);
    if (existsSync(file + '.wal')) renameSync(file + '.wal', movedTo + '.wal');
    const report: DamagedPartition = { file, movedTo, reason, foundAt: new Date().toISOString() };
    const name = path.basename(file);
    let salvageError = '';
    if (isCorruption(err)) {
      const started = Date.now();
      try {
        const salvaged = await salvagePartition(this.conn, movedTo, file, catalogAlias(file));
        await this.attach(file, range);
        report.salvagedSpans = salvaged.salvagedSpans;
        report.unreadableSpans = salvaged.unreadableSpans;
        this.damaged.push(report);
        this.onDamaged(report);
        const wal = salvaged.walSkipped ? ' (and its write-ahead log could not be replayed: the spans only it held are lost too)' : '';
        this.log('error', `embedded store: partition ${name} is damaged (${reason}); salvaged ${salvaged.salvagedSpans} spans into a fresh ${name}, ${salvaged.unreadableSpans} spans could not be read${wal}; the damaged file was moved aside to ${path.basename(movedTo)}`, {
          file,
          movedTo,
          reason,
          salvagedSpans: salvaged.salvagedSpans,
          unreadableSpans: salvaged.unreadableSpans,
          unreadableRows: salvaged.lostRows,
          salvageMs: Date.now() - started,
        });
        return;
      } catch (e) {
        // Nothing readable (the file will not even open read-only): the whole file is set aside, as below.
        salvageError = e instanceof Error ? e.message : String(e);
        rmSync(file, { force: true });
        rmSync(file + '.wal', { force: true });
      }
    }
    this.damaged.push(report);
    this.onDamaged(report);
    this.log('error', `embedded store: partition ${name} is damaged and was moved aside to ${path.basename(movedTo)}; none of its spans could be read, the other partitions are served`, {
      file,
      movedTo,
      reason,
      ...(salvageError ? { salvageError } : {}),
    });
  }
}

/**
 * Errors that say nothing about the file (memory, file handles, a full
 * disk): it is left alone and the call fails, rather than a readable file
 * being set aside as damaged (under load with many partitions, attaching
 * one failed with DuckDB's "Out of Memory Error").
 */
function isTransient(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /out of memory|could not allocate|failed to allocate|no space left|too many open files/i.test(message);
}

/**
 * A file another process holds open is not damaged: moving it aside would
 * lose that process's data. Opening the store fails instead, saying why.
 */
function refuseIfInUse(file: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (/conflicting lock|could not set lock/i.test(message)) {
    throw new Error(`embedded store: ${file} is in use by another process; one process at a time may open a data directory (${message})`);
  }
}
