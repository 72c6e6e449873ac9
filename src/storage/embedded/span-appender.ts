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
import { attrHash } from './attr-index.ts';
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
  spans: [BIGINT, UHUGEINT, UBIGINT, UBIGINT, BIGINT, BIGINT, VARCHAR, VARCHAR, UTINYINT, UTINYINT, VARCHAR, UINTEGER, VARCHAR, UINTEGER, UINTEGER, BLOB],
  span_attrs: [BIGINT, UINTEGER, VARCHAR, UTINYINT, UINTEGER, BLOB],
  attr_keys: [UINTEGER, VARCHAR],
  trace_ranges: [UINTEGER, UHUGEINT, BIGINT, BIGINT],
  attr_index: [UINTEGER, BIGINT, BIGINT],
  resources: [UINTEGER, BIGINT, VARCHAR, BLOB],
  resource_tags: [UINTEGER, VARCHAR, VARCHAR],
  scopes: [UINTEGER, BIGINT, BLOB],
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
    // The appender is synchronous: let the worker's queries take their turn between chunks
    // instead of waiting for a whole batch (about 50 chunks for 8192 spans).
    await yieldToQueries();
  }
}

const yieldToQueries = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The partition's number for a content hash, numbering new ones after the known ones. */
function localNumber(known: ReadonlyMap<bigint, number>, fresh: Map<bigint, number>, hash: bigint): number {
  let no = known.get(hash) ?? fresh.get(hash);
  if (no === undefined) {
    no = known.size + fresh.size;
    fresh.set(hash, no);
  }
  return no;
}

/** Writes `idx` (indexes into the batch) to partition `p`; resolves once committed. */
export async function appendToPartition(conn: DuckDBConnection, p: Partition, batch: EncodedBatch, idx: readonly number[]): Promise<void> {
  const n = idx.length;
  const ids = new DataView(batch.ids.buffer, batch.ids.byteOffset, batch.ids.byteLength);
  const spanCols: DuckDBValue[][] = TABLES.spans.map(() => new Array<DuckDBValue>(n));
  // Seq of each batch span written here (undefined: another partition's span).
  const seqOf: (bigint | undefined)[] = new Array(batch.count);
  // Partition-local numbers for resources and scopes new to this file (kept only once committed).
  const newResources = new Map<bigint, number>();
  const newScopes = new Map<bigint, number>();
  const resourceNo = (hash: bigint) => localNumber(p.resources, newResources, hash);
  const scopeNo = (hash: bigint) => localNumber(p.scopes, newScopes, hash);
  const newOps = new Map<string, [string, string, number]>();
  const ranges = new Map<bigint, [bigint, bigint]>();
  let seq = p.seq;
  let minStart: bigint | undefined;
  let maxStart: bigint | undefined;

  for (let j = 0; j < n; j++) {
    const i = idx[j]!;
    const o = i * ID_BYTES_PER_SPAN;
    const k = i * INTS_PER_SPAN;
    const start = batch.times[i * 2]!;
    if (minStart === undefined || start < minStart) minStart = start;
    if (maxStart === undefined || start > maxStart) maxStart = start;
    const resource = batch.resources[batch.ints[k + 3]!]!;
    const scope = batch.scopes[batch.ints[k + 4]!]!;
    const traceId = (ids.getBigUint64(o, false) << 64n) | ids.getBigUint64(o + 8, false);
    seq++;
    seqOf[i] = seq;
    const range = ranges.get(traceId);
    if (range) range[1] = seq;
    else ranges.set(traceId, [seq, seq]);
    const from = i === 0 ? 0 : batch.extraEnds[i - 1]!;
    const to = batch.extraEnds[i]!;
    spanCols[0]![j] = seq;
    spanCols[1]![j] = traceId;
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
    spanCols[13]![j] = resourceNo(resource.id);
    spanCols[14]![j] = scopeNo(scope.id);
    spanCols[15]![j] = to > from ? new DuckDBBlobValue(batch.extra.subarray(from, to)) : null;
    const opKey = `${resource.service}\u0000${batch.ints[k]!}\u0000${batch.names[i]!}`;
    if (!p.operations.has(opKey)) newOps.set(opKey, [resource.service, batch.names[i]!, batch.ints[k]!]);
  }

  // Attribute rows grouped by key (a search for one key then reads only its vectors), in seq order within a key.
  const raw = new Map<number, Uint8Array>(batch.tagRaw.map((r) => [r.at, r.bytes]));
  const byKey: number[][] = batch.keys.map(() => []);
  for (let t = 0; t < batch.tagSpan.length; t++) {
    if (seqOf[batch.tagSpan[t]!] !== undefined) byKey[batch.tagKey[t]!]!.push(t);
  }
  const tagCols: DuckDBValue[][] = [[], [], [], [], [], []];
  // One attr_index row per distinct (key, value) of this batch (attr-index.ts).
  const pairs = new Set<number>();
  const newKeys = new Map<string, number>();
  const keyOrder = batch.keys.map((_, k) => k).sort((a, b) => (batch.keys[a]! < batch.keys[b]! ? -1 : 1));
  for (const k of keyOrder) {
    const rows = byKey[k]!;
    if (rows.length === 0) continue;
    const key = batch.keys[k]!;
    let keyId = p.attrKeys.get(key);
    if (keyId === undefined) newKeys.set(key, (keyId = p.attrKeys.size + newKeys.size));
    for (const t of rows) {
      const value = batch.tagValues[t]!;
      pairs.add(attrHash(key, value));
      tagCols[0]!.push(seqOf[batch.tagSpan[t]!]!);
      tagCols[1]!.push(keyId);
      tagCols[2]!.push(value);
      tagCols[3]!.push(batch.tagTypes[t]!);
      tagCols[4]!.push(batch.tagPos[t]!);
      const bytes = raw.get(t);
      tagCols[5]!.push(bytes ? new DuckDBBlobValue(bytes) : null);
    }
  }
  const firstSeq = p.seq + 1n;
  const indexCols: DuckDBValue[][] = [[...pairs], new Array<DuckDBValue>(pairs.size).fill(firstSeq), new Array<DuckDBValue>(pairs.size).fill(seq)];
  const rangeCols: DuckDBValue[][] = [[], [], [], []];
  for (const [traceId, [min, max]] of ranges) {
    rangeCols[0]!.push(Number(traceId & 0xffffffffn));
    rangeCols[1]!.push(traceId);
    rangeCols[2]!.push(min);
    rangeCols[3]!.push(max);
  }
  const resCols: DuckDBValue[][] = [[], [], [], []];
  const resTagCols: DuckDBValue[][] = [[], [], []];
  const scopeCols: DuckDBValue[][] = [[], [], []];
  if (newResources.size > 0 || newScopes.size > 0) {
    for (const res of batch.resources) {
      const no = newResources.get(res.id);
      if (no === undefined || resCols[0]!.includes(no)) continue; // not new, or two resource objects with equal content
      resCols[0]!.push(no);
      resCols[1]!.push(res.id);
      resCols[2]!.push(res.service);
      resCols[3]!.push(new DuckDBBlobValue(res.data));
      for (let t = 0; t < res.keys.length; t++) {
        resTagCols[0]!.push(no);
        resTagCols[1]!.push(res.keys[t]!);
        resTagCols[2]!.push(res.values[t]!);
      }
    }
    for (const sc of batch.scopes) {
      const no = newScopes.get(sc.id);
      if (no === undefined || scopeCols[0]!.includes(no)) continue;
      scopeCols[0]!.push(no);
      scopeCols[1]!.push(sc.id);
      scopeCols[2]!.push(new DuckDBBlobValue(sc.data));
    }
  }
  const keyCols: DuckDBValue[][] = [[...newKeys.values()], [...newKeys.keys()]];
  const opCols: DuckDBValue[][] = [[], [], []];
  for (const [service, name, kind] of newOps.values()) {
    opCols[0]!.push(service);
    opCols[1]!.push(name);
    opCols[2]!.push(kind);
  }

  await conn.run('BEGIN TRANSACTION');
  try {
    await appendColumns(conn, p, 'spans', spanCols);
    await appendColumns(conn, p, 'span_attrs', tagCols);
    await appendColumns(conn, p, 'trace_ranges', rangeCols);
    await appendColumns(conn, p, 'attr_index', indexCols);
    await appendColumns(conn, p, 'resources', resCols);
    await appendColumns(conn, p, 'resource_tags', resTagCols);
    await appendColumns(conn, p, 'scopes', scopeCols);
    await appendColumns(conn, p, 'operations', opCols);
    await appendColumns(conn, p, 'attr_keys', keyCols);
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
  if (minStart !== undefined && maxStart !== undefined) {
    p.starts = p.starts ? [p.starts[0] < minStart ? p.starts[0] : minStart, p.starts[1] > maxStart ? p.starts[1] : maxStart] : [minStart, maxStart];
  }
  for (const [h, no] of newResources) p.resources.set(h, no);
  for (const [h, no] of newScopes) p.scopes.set(h, no);
  for (const k of newOps.keys()) p.operations.add(k);
  for (const [k, id] of newKeys) p.attrKeys.set(k, id);
  p.lastWriteNs = BigInt(Date.now()) * 1_000_000n;
}
