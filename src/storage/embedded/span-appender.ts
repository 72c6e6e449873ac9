import {
  BIGINT,
  BLOB,
  DuckDBBlobValue,
  DuckDBDataChunk,
  UBIGINT,
  UHUGEINT,
  UINTEGER,
  UTINYINT,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { ID_BYTES_PER_SPAN, INTS_PER_SPAN, type EncodedBatch } from './batch-encoder.ts';
import type { Partition } from './partition-set.ts';

/**
 * Appends one batch's spans to one partition in a single transaction, with
 * DuckDB's bulk DataChunk appender (row-by-row appending measured several
 * times slower). The appender calls are synchronous, which is why this runs
 * in the worker thread; COMMIT is the durability point that writeSpans waits for.
 */

const CHUNK_ROWS = 2048; // DuckDB's vector size

const TABLES = {
  spans: [BIGINT, UHUGEINT, UBIGINT, UBIGINT, BIGINT, BIGINT, VARCHAR, VARCHAR, UTINYINT, UTINYINT, VARCHAR, UINTEGER, VARCHAR, BIGINT, BIGINT, BLOB],
  span_tags: [BIGINT, VARCHAR, VARCHAR],
  resources: [BIGINT, VARCHAR, BLOB],
  resource_tags: [BIGINT, VARCHAR, VARCHAR],
  scopes: [BIGINT, BLOB],
  operations: [VARCHAR, VARCHAR, UTINYINT],
} satisfies Record<string, DuckDBType[]>;
type Table = keyof typeof TABLES;

async function appenderFor(conn: DuckDBConnection, p: Partition, table: Table): Promise<DuckDBAppender> {
  p.appenders ??= new Map();
  let a = p.appenders.get(table);
  if (!a) {
    a = await conn.createAppender(table, 'main', p.alias);
    p.appenders.set(table, a);
  }
  return a;
}

async function appendColumns(conn: DuckDBConnection, p: Partition, table: Table, columns: DuckDBValue[][]): Promise<void> {
  const rows = columns[0]!.length;
  if (rows === 0) return;
  const appender = await appenderFor(conn, p, table);
  const types = TABLES[table];
  for (let from = 0; from < rows; from += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - from);
    const chunk = DuckDBDataChunk.create(types, n);
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c]!;
      chunk.setColumnValues(c, from === 0 && n === rows ? col : col.slice(from, from + n));
    }
    appender.appendDataChunk(chunk);
  }
}

/** Writes `idx` (indexes into the batch) to partition `p`; resolves once committed. */
export async function appendToPartition(conn: DuckDBConnection, p: Partition, batch: EncodedBatch, idx: readonly number[]): Promise<void> {
  const n = idx.length;
  const ids = new DataView(batch.ids.buffer, batch.ids.byteOffset, batch.ids.byteLength);
  const spanCols: DuckDBValue[][] = TABLES.spans.map(() => new Array<DuckDBValue>(n));
  const seqOf = new Map<number, bigint>();
  const newResources = new Set<number>();
  const newScopes = new Set<number>();
  const newOps = new Map<string, [string, string, number]>();
  let seq = p.seq;

  for (let j = 0; j < n; j++) {
    const i = idx[j]!;
    const o = i * ID_BYTES_PER_SPAN;
    const k = i * INTS_PER_SPAN;
    const start = batch.times[i * 2]!;
    const resource = batch.resources[batch.ints[k + 3]!]!;
    const scope = batch.scopes[batch.ints[k + 4]!]!;
    seq++;
    seqOf.set(i, seq);
    spanCols[0]![j] = seq;
    spanCols[1]![j] = (ids.getBigUint64(o, false) << 64n) | ids.getBigUint64(o + 8, false);
    spanCols[2]![j] = ids.getBigUint64(o + 16, false);
    spanCols[3]![j] = ids.getBigUint64(o + 24, false);
    spanCols[4]![j] = start;
    spanCols[5]![j] = batch.times[i * 2 + 1]! - start;
    spanCols[6]![j] = resource.service;
    spanCols[7]![j] = batch.names[i]!;
    spanCols[8]![j] = batch.ints[k]!;
    spanCols[9]![j] = batch.ints[k + 1]!;
    spanCols[10]![j] = batch.statusMessages[i]!;
    spanCols[11]![j] = batch.ints[k + 2]!;
    spanCols[12]![j] = batch.traceStates[i]!;
    spanCols[13]![j] = resource.id;
    spanCols[14]![j] = scope.id;
    spanCols[15]![j] = new DuckDBBlobValue(batch.extra.subarray(i === 0 ? 0 : batch.extraEnds[i - 1]!, batch.extraEnds[i]!));
    if (!p.resources.has(resource.id)) newResources.add(batch.ints[k + 3]!);
    if (!p.scopes.has(scope.id)) newScopes.add(batch.ints[k + 4]!);
    const opKey = `${resource.service}\u0000${batch.ints[k]!}\u0000${batch.names[i]!}`;
    if (!p.operations.has(opKey)) newOps.set(opKey, [resource.service, batch.names[i]!, batch.ints[k]!]);
  }

  const tagCols: DuckDBValue[][] = [[], [], []];
  for (let t = 0; t < batch.tagSpan.length; t++) {
    const s = seqOf.get(batch.tagSpan[t]!);
    if (s === undefined) continue;
    tagCols[0]!.push(s);
    tagCols[1]!.push(batch.tagKeys[t]!);
    tagCols[2]!.push(batch.tagValues[t]!);
  }
  const resCols: DuckDBValue[][] = [[], [], []];
  const resTagCols: DuckDBValue[][] = [[], [], []];
  for (const r of newResources) {
    const res = batch.resources[r]!;
    if (resCols[0]!.includes(res.id)) continue; // two resource objects with equal content
    resCols[0]!.push(res.id);
    resCols[1]!.push(res.service);
    resCols[2]!.push(new DuckDBBlobValue(res.data));
    for (let t = 0; t < res.keys.length; t++) {
      resTagCols[0]!.push(res.id);
      resTagCols[1]!.push(res.keys[t]!);
      resTagCols[2]!.push(res.values[t]!);
    }
  }
  const scopeCols: DuckDBValue[][] = [[], []];
  for (const s of newScopes) {
    const sc = batch.scopes[s]!;
    if (scopeCols[0]!.includes(sc.id)) continue;
    scopeCols[0]!.push(sc.id);
    scopeCols[1]!.push(new DuckDBBlobValue(sc.data));
  }
  const opCols: DuckDBValue[][] = [[], [], []];
  for (const [service, name, kind] of newOps.values()) {
    opCols[0]!.push(service);
    opCols[1]!.push(name);
    opCols[2]!.push(kind);
  }

  await conn.run('BEGIN TRANSACTION');
  try {
    await appendColumns(conn, p, 'spans', spanCols);
    await appendColumns(conn, p, 'span_tags', tagCols);
    await appendColumns(conn, p, 'resources', resCols);
    await appendColumns(conn, p, 'resource_tags', resTagCols);
    await appendColumns(conn, p, 'scopes', scopeCols);
    await appendColumns(conn, p, 'operations', opCols);
    for (const a of p.appenders?.values() ?? []) a.flushSync();
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    // An appender that failed mid-flush may hold rows: drop them (closing would flush them) and start over.
    for (const a of p.appenders?.values() ?? []) {
      try {
        a.clear();
        a.closeSync();
      } catch {
        // already broken; nothing to keep
      }
    }
    p.appenders = undefined;
    throw err;
  }
  // Only now, once the rows are durable, does the writer's memory of the partition change.
  p.seq = seq;
  for (const r of newResources) p.resources.add(batch.resources[r]!.id);
  for (const s of newScopes) p.scopes.add(batch.scopes[s]!.id);
  for (const k of newOps.keys()) p.operations.add(k);
  p.lastWriteNs = BigInt(Date.now()) * 1_000_000n;
}
