import { existsSync, renameSync } from 'node:fs';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { attrHash } from './attr-index.ts';
import { sqlString } from './partition-files.ts';
import { FORMAT_VERSION, partitionSchema } from './schema.ts';

/**
 * Copies what is still readable out of a damaged partition file into a
 * fresh one. DuckDB checksums each 256 KiB block and fails a read that
 * touches a bad one, but reads by rowid range skip the row groups (and
 * vectors) outside the range. So each table is copied a row group at a time,
 * and a range that fails is halved down to one vector (2048 rows), which is
 * then left out. The damaged file itself is only read.
 *
 * Rows lost from one table can make rows of another wrong or unreachable,
 * so the copy is then made consistent: a span that lost attribute rows, or
 * whose resource, scope or attribute keys are gone, is left out too (served
 * incomplete it would misinform), and trace_ranges and attr_index, the
 * lookup and search skip data, are rebuilt for the seq ranges whose rows
 * were lost, from the spans copied, so every salvaged span is found.
 */

const ROW_GROUP = 122_880;
const VECTOR = 2048;
/** Tables in copy order; meta is written afresh. */
const TABLES = ['attr_keys', 'resources', 'resource_tags', 'scopes', 'operations', 'spans', 'span_attrs', 'trace_ranges', 'attr_index'] as const;
type Table = (typeof TABLES)[number];

export interface SalvageResult {
  /** Spans in the fresh file. */
  salvagedSpans: number;
  /** Spans of the damaged file that could not be read whole. */
  unreadableSpans: number;
  /** Rows that could not be read, by table (tables without losses left out). */
  lostRows: Partial<Record<Table, number>>;
  /** The write-ahead log could not be replayed (renamed *.wal-unreplayable): the spans only it held are lost and not counted. */
  walSkipped: boolean;
}

/** DuckDB's message for a block failing its checksum, other damage found while reading, or a disk's read error (EIO). */
export function isCorruption(err: unknown): boolean {
  return err instanceof Error && /corrupt|checksum|Input\/output error/i.test(err.message);
}

/** Rowid ranges [from, to) that could not be read. */
type Lost = [number, number][];

/**
 * Copies the readable rows of `damagedFile` (attached read-only) into
 * `freshFile` (created). Throws when the damaged file cannot be opened at
 * all; the caller then has nothing to salvage.
 */
export async function salvagePartition(conn: DuckDBConnection, damagedFile: string, freshFile: string, alias: string): Promise<SalvageResult> {
  const src = `${alias}_damaged`;
  const dst = `${alias}_salvage`;
  let walSkipped = false;
  try {
    await conn.run(`ATTACH ${sqlString(damagedFile)} AS ${src} (READ_ONLY)`);
  } catch (err) {
    // A write-ahead log that cannot be replayed: what was checkpointed into the file may still be readable.
    if (!existsSync(damagedFile + '.wal')) throw err;
    renameSync(damagedFile + '.wal', damagedFile + '.wal-unreplayable');
    walSkipped = true;
    await conn.run(`ATTACH ${sqlString(damagedFile)} AS ${src} (READ_ONLY)`);
  }
  try {
    await conn.run(`ATTACH ${sqlString(freshFile)} AS ${dst}`);
    try {
      await conn.run(partitionSchema(dst));
      await conn.run(`INSERT INTO ${dst}.meta VALUES (${FORMAT_VERSION})`);
      const lost = new Map<Table, Lost>();
      for (const table of TABLES) {
        const l = await copyTable(conn, src, dst, table);
        if (l.length > 0) lost.set(table, l);
      }
      await makeConsistent(conn, src, dst, lost);
      const total = await count(conn, `SELECT count(*) FROM ${src}.spans`);
      const salvagedSpans = await count(conn, `SELECT count(*) FROM ${dst}.spans`);
      const lostRows: SalvageResult['lostRows'] = {};
      for (const [table, l] of lost) lostRows[table] = l.reduce((n, [a, b]) => n + b - a, 0);
      return { salvagedSpans, unreadableSpans: total - salvagedSpans, lostRows, walSkipped };
    } finally {
      await conn.run(`DETACH ${dst}`).catch(() => undefined);
    }
  } finally {
    await conn.run(`DETACH ${src}`).catch(() => undefined);
  }
}

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(sql)).getRows()[0]![0] as bigint | null ?? 0n);
}

/** Rows of `sql`, or undefined when reading them hits the damage. */
async function tryRead(conn: DuckDBConnection, sql: string): Promise<DuckDBValue[][] | undefined> {
  try {
    return (await conn.runAndReadAll(sql)).getRows();
  } catch (err) {
    if (isCorruption(err)) return undefined;
    throw err;
  }
}

async function copyTable(conn: DuckDBConnection, src: string, dst: string, table: Table): Promise<Lost> {
  // The row count comes from the table's metadata, not its data blocks.
  const rows = await count(conn, `SELECT count(*) FROM ${src}.${table}`);
  const lost: Lost = [];
  const copy = async (from: number, to: number): Promise<void> => {
    try {
      await conn.run(`INSERT INTO ${dst}.${table} SELECT * FROM ${src}.${table} WHERE rowid >= ${from} AND rowid < ${to}`);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      if (to - from <= VECTOR) {
        const last = lost.at(-1);
        if (last && last[1] === from) last[1] = to;
        else lost.push([from, to]);
        return;
      }
      const mid = from + Math.ceil((to - from) / 2 / VECTOR) * VECTOR;
      await copy(from, mid);
      await copy(mid, to);
    }
  };
  for (let from = 0; from < rows; from += ROW_GROUP) await copy(from, Math.min(rows, from + ROW_GROUP));
  return lost;
}

/**
 * The seq range [lo, hi] that lost rows [from, to) of a table covered: read
 * from the lost rows' own seq columns when only other columns are damaged,
 * else bounded by the readable rows around them.
 */
async function seqBounds(conn: DuckDBConnection, src: string, dst: string, table: Table, [from, to]: [number, number], minCol: string, maxCol: string): Promise<[bigint, bigint]> {
  const own = await tryRead(conn, `SELECT min(${minCol}), max(${maxCol}) FROM ${src}.${table} WHERE rowid >= ${from} AND rowid < ${to}`);
  if (own && own[0]![0] !== null) return [own[0]![0] as bigint, own[0]![1] as bigint];
  const before = from > 0 ? await tryRead(conn, `SELECT ${minCol} FROM ${src}.${table} WHERE rowid = ${from - 1}`) : undefined;
  const after = await tryRead(conn, `SELECT ${maxCol} FROM ${src}.${table} WHERE rowid = ${to}`);
  const lo = (before?.[0]?.[0] as bigint | undefined) ?? 0n;
  const hi = (after?.[0]?.[0] as bigint | undefined) ?? BigInt(await count(conn, `SELECT max(seq) FROM ${dst}.spans`));
  return [lo, hi];
}

/** Widens [lo, hi] to whole write batches (attr_index holds each batch's seq range). */
async function wholeBatches(conn: DuckDBConnection, dst: string, [lo, hi]: [bigint, bigint]): Promise<[bigint, bigint]> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT (SELECT min(first_seq) FROM ${dst}.attr_index WHERE first_seq <= ${lo} AND last_seq >= ${lo}), (SELECT max(last_seq) FROM ${dst}.attr_index WHERE first_seq <= ${hi} AND last_seq >= ${hi})`,
    )
  ).getRows()[0]!;
  return [(rows[0] as bigint | null) ?? lo, (rows[1] as bigint | null) ?? hi];
}

async function makeConsistent(conn: DuckDBConnection, src: string, dst: string, lost: Map<Table, Lost>): Promise<void> {
  // attr_index first: the batch bounds below come from it.
  for (const range of lost.get('attr_index') ?? []) {
    const [lo, hi] = await seqBounds(conn, src, dst, 'attr_index', range, 'first_seq', 'last_seq');
    await reindexAttrs(conn, dst, lo, hi);
  }
  // A span with attribute rows missing is left out rather than served incomplete.
  for (const range of lost.get('span_attrs') ?? []) {
    const [from, to] = range;
    try {
      await conn.run(`DELETE FROM ${dst}.spans WHERE seq IN (SELECT seq FROM ${src}.span_attrs WHERE rowid >= ${from} AND rowid < ${to})`);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      // Rows of a batch are grouped by key, not by seq: the whole batches around the lost rows.
      const [lo, hi] = await wholeBatches(conn, dst, await seqBounds(conn, src, dst, 'span_attrs', range, 'seq', 'seq'));
      await conn.run(`DELETE FROM ${dst}.spans WHERE seq BETWEEN ${lo} AND ${hi}`);
    }
  }
  if (lost.has('resources') || lost.has('scopes')) {
    await conn.run(`DELETE FROM ${dst}.spans WHERE resource NOT IN (SELECT id FROM ${dst}.resources) OR scope NOT IN (SELECT id FROM ${dst}.scopes)`);
  }
  if (lost.has('attr_keys')) {
    await conn.run(`DELETE FROM ${dst}.spans WHERE seq IN (SELECT seq FROM ${dst}.span_attrs WHERE key_id NOT IN (SELECT id FROM ${dst}.attr_keys))`);
  }
  if (lost.has('operations')) {
    await conn.run(`DELETE FROM ${dst}.operations`);
    await conn.run(`INSERT INTO ${dst}.operations SELECT DISTINCT service, name, kind FROM ${dst}.spans`);
  }
  // Trace lookups start from trace_ranges: ranges for the spans whose rows there were lost.
  for (const range of lost.get('trace_ranges') ?? []) {
    const [lo, hi] = await seqBounds(conn, src, dst, 'trace_ranges', range, 'min_seq', 'max_seq');
    await conn.run(
      `INSERT INTO ${dst}.trace_ranges SELECT (trace_id % 4294967296)::UINTEGER, trace_id, min(seq), max(seq) FROM ${dst}.spans WHERE seq BETWEEN ${lo} AND ${hi} GROUP BY trace_id`,
    );
  }
  // New spans number on from max(seq): rows of lost spans above it would be taken for theirs.
  if (lost.size > 0) {
    const max = `(SELECT coalesce(max(seq), 0) FROM ${dst}.spans)`;
    await conn.run(`DELETE FROM ${dst}.span_attrs WHERE seq > ${max}`);
    await conn.run(`DELETE FROM ${dst}.trace_ranges WHERE min_seq > ${max}`);
    await conn.run(`DELETE FROM ${dst}.attr_index WHERE first_seq > ${max}`);
  }
}

/** attr_index rows for the span attributes in [lo, hi], as one batch (attr-index.ts). */
async function reindexAttrs(conn: DuckDBConnection, dst: string, lo: bigint, hi: bigint): Promise<void> {
  const pairs = (await conn.runAndReadAll(`SELECT DISTINCT k.key, a.value FROM ${dst}.span_attrs a JOIN ${dst}.attr_keys k ON k.id = a.key_id WHERE a.seq BETWEEN ${lo} AND ${hi}`)).getRows();
  const hashes = [...new Set(pairs.map((r) => attrHash(r[0] as string, r[1] as string)))];
  for (let i = 0; i < hashes.length; i += 1000) {
    const values = hashes.slice(i, i + 1000).map((h) => `(${h}, ${lo}, ${hi})`);
    await conn.run(`INSERT INTO ${dst}.attr_index VALUES ${values.join(', ')}`);
  }
}
