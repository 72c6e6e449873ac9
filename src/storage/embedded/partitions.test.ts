import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { WaymarkMetrics } from '../../observability/metrics.ts';
import { parsePartitionFileName, partitionFileName } from './partition-files.ts';
import { capturingLogger, HOUR, openStore, simpleSpan, tempDataDir } from './test-support.ts';
import { FORMAT_VERSION } from './schema.ts';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));
function dataDir(): string {
  const d = tempDataDir();
  cleanups.push(d.remove);
  return d.dir;
}

/** The start of the current hour, so test spans land in predictable hourly partitions. */
const THIS_HOUR = (BigInt(Date.now()) * 1_000_000n / HOUR) * HOUR;
const id = (n: number) => n.toString(16).padStart(32, '0');
async function metricValue(metrics: WaymarkMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await metrics.registry.getSingleMetric(name)!.get();
  const v = m.values.find((x) => Object.entries(labels).every(([k, val]) => (x.labels as Record<string, unknown>)[k] === val));
  return v?.value ?? 0;
}
/** Where in a closed partition file a block of one column's data starts: after DuckDB's three 4 KiB headers, 256 KiB blocks. */
async function dataBlockOffset(file: string, table: string, column: string, nth = 0): Promise<number> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(`ATTACH '${file}' AS f (READ_ONLY)`);
    const rows = (await conn.runAndReadAll(`SELECT block_id FROM pragma_storage_info('f.${table}') WHERE column_name = '${column}' AND block_id >= 0 ORDER BY block_id LIMIT 1 OFFSET ${nth}`)).getRows();
    const size = (await conn.runAndReadAll(`SELECT block_size FROM pragma_database_size() WHERE database_name = 'f'`)).getRows()[0]![0] as bigint;
    return 3 * 4096 + Number(rows[0]![0]) * Number(size) + 1024;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
const partitionFiles = (dir: string) => readdirSync(dir).filter((f) => parsePartitionFileName(f)).sort();

test('partition file names carry their time range', () => {
  const start = 1_700_000_000_000_000_000n - (1_700_000_000_000_000_000n % HOUR);
  const name = partitionFileName(start, HOUR);
  assert.equal(name, 'spans-20231114T220000Z-3600s.duckdb');
  assert.deepEqual(parsePartitionFileName(name), { startNs: start, endNs: start + HOUR });
  assert.equal(parsePartitionFileName('spans-2023.duckdb'), undefined);
});

test('spans go to one file per time partition; queries span them all', async () => {
  const dir = dataDir();
  const store = await openStore(dir, { partitionWidth: HOUR });
  try {
    // Trace 1 crosses an hour boundary; traces 2 and 3 sit in the hours around it.
    await store.writeSpans([simpleSpan('1', THIS_HOUR - 1000n), { ...simpleSpan('1', THIS_HOUR + 1000n), spanId: '00000000000000ff' }]);
    await store.writeSpans([simpleSpan('2', THIS_HOUR - 2n * HOUR), simpleSpan('3', THIS_HOUR + HOUR + 5n)]);
    assert.deepEqual(partitionFiles(dir), [
      partitionFileName(THIS_HOUR - 2n * HOUR, HOUR),
      partitionFileName(THIS_HOUR - HOUR, HOUR),
      partitionFileName(THIS_HOUR, HOUR),
      partitionFileName(THIS_HOUR + HOUR, HOUR),
    ]);
    assert.equal((await store.getTrace({ traceId: id(1) })).length, 2);
    assert.deepEqual(await store.findTraceIds({ tags: [], limit: 10 }), [id(3), id(1), id(2)]);
    assert.deepEqual(await store.findTraceIds({ tags: [], startTimeMin: THIS_HOUR - 2n * HOUR, startTimeMax: THIS_HOUR - HOUR, limit: 10 }), [id(2)]);
    assert.deepEqual(await store.findTraces({ tags: [], startTimeMin: THIS_HOUR, startTimeMax: THIS_HOUR + 10_000n, limit: 10 }).then((t) => t.map((spans) => spans.length)), [2]);
  } finally {
    await store.close();
  }
});

test('a corrupted partition is reported and moved aside; the others keep serving and accepting writes', async () => {
  const dir = dataDir();
  const first = await openStore(dir, { partitionWidth: HOUR });
  await first.writeSpans([simpleSpan('1', THIS_HOUR - HOUR), simpleSpan('2', THIS_HOUR)]);
  await first.close();
  const broken = path.join(dir, partitionFileName(THIS_HOUR - HOUR, HOUR));
  writeFileSync(broken, Buffer.alloc(300_000, 0x5a));

  const { logger, lines } = capturingLogger();
  const metrics = new WaymarkMetrics();
  const store = await openStore(dir, { partitionWidth: HOUR, logger, metrics });
  try {
    assert.equal(store.damaged.length, 1);
    assert.equal(await metricValue(metrics, 'waymark_storage_partitions_damaged_total'), 1);
    assert.equal(store.damaged[0]!.file, broken);
    assert.ok(existsSync(store.damaged[0]!.movedTo));
    assert.match(lines.join(''), /is damaged and was moved aside/);
    assert.equal((await store.getTrace({ traceId: id(2) })).length, 1);
    assert.deepEqual(await store.getTrace({ traceId: id(1) }), []);
    // New spans for the damaged hour start a fresh file.
    await store.writeSpans([simpleSpan('3', THIS_HOUR - HOUR)]);
    assert.deepEqual(await store.findTraceIds({ tags: [], limit: 10 }), [id(2), id(3)]);
  } finally {
    await store.close();
  }
});

test('damage found while serving (a block failing its checksum): the readable rows are salvaged into a fresh file and served', async () => {
  const dir = dataDir();
  const first = await openStore(dir, { partitionWidth: HOUR });
  // Incompressible attribute values, so span_attrs.value fills several blocks and one bad block costs a slice of the rows.
  const many = Array.from({ length: 6000 }, (_, i) => simpleSpan((i + 16).toString(16), THIS_HOUR - HOUR + BigInt(i), 'k', `v${i}-${randomBytes(60).toString('hex')}`));
  await first.writeSpans(many);
  await first.writeSpans([simpleSpan('2', THIS_HOUR)]);
  await first.close();
  const broken = path.join(dir, partitionFileName(THIS_HOUR - HOUR, HOUR));
  const fd = openSync(broken, 'r+');
  writeSync(fd, Buffer.alloc(16_384, 0x33), 0, 16_384, await dataBlockOffset(broken, 'span_attrs', 'value', 1));
  closeSync(fd);

  const { logger, lines } = capturingLogger();
  const metrics = new WaymarkMetrics();
  const store = await openStore(dir, { partitionWidth: HOUR, logger, metrics });
  try {
    // Between them these read every column of every table.
    const traces = await store.findTraces({ tags: [], limit: 100_000 });
    const ids = await store.findTraceIds({ tags: [{ key: 'k', op: 'notEquals', value: 'none' }, { key: 'service.name', op: 'exists' }], limit: 100_000 });
    assert.equal(store.damaged.length, 1);
    const d = store.damaged[0]!;
    assert.ok(d.salvagedSpans! > 0 && d.unreadableSpans! > 0, `salvaged ${d.salvagedSpans}, unreadable ${d.unreadableSpans}`);
    assert.equal(d.salvagedSpans! + d.unreadableSpans!, many.length);
    assert.equal(await metricValue(metrics, 'waymark_storage_unreadable_spans_total'), d.unreadableSpans);
    assert.equal(await metricValue(metrics, 'waymark_storage_salvaged_spans_total'), d.salvagedSpans);
    assert.match(lines.join(''), new RegExp(`salvaged ${d.salvagedSpans} spans into a fresh`));
    assert.ok(existsSync(broken) && existsSync(d.movedTo), 'the fresh file under the old name, the damaged one kept aside');
    // The queries were answered from the salvaged data, and so is every query after them.
    assert.equal(traces.length, d.salvagedSpans! + 1);
    assert.equal(ids.length, d.salvagedSpans! + 1);
    assert.equal((await store.findTraceIds({ tags: [], limit: 100_000 })).length, d.salvagedSpans! + 1);
    for (const t of traces.slice(0, 50)) assert.equal(t[0]!.attributes.length, 1, 'a salvaged span is whole');
    const salvagedSpan = traces.find((t) => t[0]!.traceId !== id(2))![0]!;
    assert.deepEqual(await store.findTraceIds({ tags: [{ key: 'k', op: 'equals', value: salvagedSpan.attributes[0]!.value as string }], limit: 10 }), [salvagedSpan.traceId]);
    assert.equal((await store.getTrace({ traceId: id(2) })).length, 1);
    // New spans for the salvaged hour go on in the fresh file.
    await store.writeSpans([simpleSpan('3', THIS_HOUR - HOUR)]);
    assert.equal((await store.getTrace({ traceId: id(3) })).length, 1);
  } finally {
    await store.close();
  }
});

test('retention drops whole partitions once their range and last write are older than the window', async () => {
  const dir = dataDir();
  const first = await openStore(dir, { partitionWidth: HOUR });
  await first.writeSpans([simpleSpan('1', THIS_HOUR - 5n * HOUR), simpleSpan('2', THIS_HOUR)]);
  await first.close();
  const old = path.join(dir, partitionFileName(THIS_HOUR - 5n * HOUR, HOUR));
  const fiveHoursAgo = (Date.now() - 5 * 3600_000) / 1000;
  utimesSync(old, fiveHoursAgo, fiveHoursAgo);

  const metrics = new WaymarkMetrics();
  const store = await openStore(dir, { partitionWidth: HOUR, retention: 2n * HOUR, metrics });
  try {
    assert.equal(existsSync(old), false);
    assert.equal(await metricValue(metrics, 'waymark_storage_partitions_dropped_total', { reason: 'retention' }), 1);
    assert.deepEqual(await store.findTraceIds({ tags: [], limit: 10 }), [id(2)]);
    // Late data for an expired hour is kept for a full retention period after it arrives.
    await store.writeSpans([simpleSpan('3', THIS_HOUR - 5n * HOUR)]);
    await store.sweep();
    assert.equal((await store.getTrace({ traceId: id(3) })).length, 1);
  } finally {
    await store.close();
  }
});

test('the disk cap drops the oldest partitions first and says so', async () => {
  const dir = dataDir();
  const first = await openStore(dir, { partitionWidth: HOUR });
  await first.writeSpans([simpleSpan('1', THIS_HOUR - 2n * HOUR), simpleSpan('2', THIS_HOUR - HOUR), simpleSpan('3', THIS_HOUR)]);
  await first.close();
  const { logger, lines } = capturingLogger();
  const metrics = new WaymarkMetrics();
  const store = await openStore(dir, { partitionWidth: HOUR, maxDiskBytes: 1, logger, metrics });
  try {
    assert.deepEqual(partitionFiles(dir), [partitionFileName(THIS_HOUR, HOUR)]);
    assert.equal(await metricValue(metrics, 'waymark_storage_partitions_dropped_total', { reason: 'max_disk' }), 2);
    assert.equal(await metricValue(metrics, 'waymark_storage_partitions'), 1);
    assert.ok((await metricValue(metrics, 'waymark_storage_disk_bytes')) > 0);
    assert.deepEqual(await store.findTraceIds({ tags: [], limit: 10 }), [id(3)]);
    assert.match(lines.join(''), /exceed the cap of 1: dropping the oldest partition/);
  } finally {
    await store.close();
  }
});

test('a file written in another storage format is reported and moved aside, not misread', async () => {
  const dir = dataDir();
  const file = path.join(dir, partitionFileName(THIS_HOUR, HOUR));
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  await conn.run('CREATE TABLE spans (seq BIGINT, trace_id UHUGEINT); INSERT INTO spans VALUES (1, 1)');
  conn.closeSync();
  db.closeSync();
  const { logger, lines } = capturingLogger();
  const store = await openStore(dir, { partitionWidth: HOUR, logger });
  try {
    assert.equal(store.damaged.length, 1);
    assert.match(store.damaged[0]!.reason, new RegExp(`storage format 1, this version reads format ${FORMAT_VERSION}`));
    assert.match(lines.join(''), /is damaged and was moved aside/);
    await store.writeSpans([simpleSpan('1', THIS_HOUR)]);
    assert.equal((await store.getTrace({ traceId: id(1) })).length, 1);
  } finally {
    await store.close();
  }
});
