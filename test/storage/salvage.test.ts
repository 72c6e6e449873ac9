import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeResource, makeSpan } from '../../src/model/builders.ts';
import type { Span } from '../../src/model/span.ts';
import { ensureUiBuilt, launchBrowser } from '../ui/support.ts';
import { postOtlp, startEmbedded, tempDir, tracesOf } from './support.ts';

/**
 * A bad block in the middle of a partition file (bytes overwritten, so the
 * block fails DuckDB's checksum as a failing disk's would) costs the spans
 * stored in it, not the whole partition: after a restart the rest is still
 * found, and /metrics, the log, /api/storage/status and the UI say how much
 * could not be read.
 */

const TRACES = 2000;
// Every trace in one search (the default --query-max-limit is 1000).
const ARGS = ['--query-max-limit', '0'];
const SPANS_PER_TRACE = 10;
const tmp = tempDir();
after(() => tmp.remove());

/** Spans with an incompressible attribute, so each column of the partition fills several blocks. */
function spans(): Span[] {
  const resource = makeResource([{ key: 'service.name', value: 'salvage' }]);
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  const out: Span[] = [];
  for (let t = 0; t < TRACES; t++) {
    const traceId = randomBytes(16).toString('hex');
    for (let s = 0; s < SPANS_PER_TRACE; s++) {
      out.push(
        makeSpan({
          traceId,
          spanId: randomBytes(8).toString('hex'),
          name: `op-${s}`,
          startTimeUnixNano: start + BigInt(t * 1000 + s),
          endTimeUnixNano: start + BigInt(t * 1000 + s) + 5_000_000n,
          resource,
          attributes: [{ key: 'payload', value: randomBytes(48).toString('hex') }],
        }),
      );
    }
  }
  return out;
}

/**
 * Byte offset of a data block near the middle of the file. A day's partition holds many row
 * groups and a column's rows fill many blocks, so one bad block costs a slice of the rows; in
 * this small file that holds for the blocks of one segment only (a small column's single
 * segment, or a block shared by several, would cost every row of its table), so one of those.
 */
async function middleDataBlock(file: string): Promise<number> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(`ATTACH '${file}' AS f (READ_ONLY)`);
    const blocks: number[] = [];
    for (const table of ['spans', 'span_attrs']) {
      const sql = `SELECT block_id FROM pragma_storage_info('f.${table}') WHERE block_id >= 0 GROUP BY block_id HAVING count(*) = 1 AND max(count) < (SELECT count(*) FROM f.${table})`;
      for (const r of (await conn.runAndReadAll(sql)).getRows()) blocks.push(Number(r[0]));
    }
    const blockSize = Number((await conn.runAndReadAll(`SELECT block_size FROM pragma_database_size() WHERE database_name = 'f'`)).getRows()[0]![0]);
    const middle = statSync(file).size / 2;
    // DuckDB's file: three 4 KiB headers, then the blocks.
    const offsets = blocks.map((b) => 3 * 4096 + b * blockSize);
    assert.ok(offsets.length > 0, 'the partition should have columns spread over several blocks');
    return offsets.sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle))[0]!;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function metric(adminUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : undefined;
}

test('a bad block costs only its spans: the rest of the partition is salvaged and served, and the loss is reported', { timeout: 300_000 }, async (t) => {
  const dir = path.join(tmp.dir, 'data');
  const all = spans();
  const w = await startEmbedded(dir);
  for (let i = 0; i < all.length; i += 1000) assert.equal(await postOtlp(w.ports.otlpHttp, all.slice(i, i + 1000)), 200);
  assert.equal(await w.stop(), 0); // SIGTERM: the store checkpoints everything into the file

  const [name, ...others] = readdirSync(dir).filter((f) => f.endsWith('.duckdb'));
  assert.equal(others.length, 0, 'one partition');
  const file = path.join(dir, name!);
  const offset = await middleDataBlock(file);
  const fd = openSync(file, 'r+');
  writeSync(fd, randomBytes(4096), 0, 4096, offset + 8192);
  closeSync(fd);

  const again = await startEmbedded(dir, ARGS);
  let salvaged = 0;
  try {
    // A search reads every span of the partition, so it meets the bad block.
    const found = await tracesOf(again.queryUrl, 'salvage');
    const foundSpans = found.reduce((n, t) => n + t.spans.length, 0);
    assert.ok(found.length >= TRACES / 2, `only ${found.length} of ${TRACES} traces found after the damage:\n${again.output()}`);
    assert.ok(foundSpans < all.length, 'the bad block should cost some spans');
    salvaged = foundSpans;
    t.diagnostic(`${found.length} of ${TRACES} traces and ${foundSpans} of ${all.length} spans found after the damage`);

    // Looked up by ID, a trace outside the bad block is whole.
    const whole = found.find((t) => t.spans.length === SPANS_PER_TRACE)!;
    const res = await fetch(`${again.queryUrl}/api/traces/${whole.traceID}`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { data: { spans: unknown[] }[] }).data[0]!.spans.length, SPANS_PER_TRACE);

    // What was saved and what was lost, in the status the UI reads, the metrics and the log.
    const status = (await (await fetch(`${again.queryUrl}/api/storage/status`)).json()) as { data: { damaged: { file: string; movedTo: string; salvagedSpans?: number; unreadableSpans?: number }[] } };
    assert.equal(status.data.damaged.length, 1);
    const d = status.data.damaged[0]!;
    assert.equal(d.file, file);
    assert.equal(d.salvagedSpans, foundSpans);
    assert.equal(d.unreadableSpans, all.length - foundSpans);
    assert.ok(readdirSync(dir).includes(path.basename(d.movedTo)), 'the damaged original is kept aside');
    assert.equal(await metric(again.adminUrl, 'waymark_storage_unreadable_spans_total'), all.length - foundSpans);
    assert.equal(await metric(again.adminUrl, 'waymark_storage_salvaged_spans_total'), foundSpans);
    assert.equal(await metric(again.adminUrl, 'waymark_storage_partitions_damaged_total'), 1);
    assert.match(again.output(), new RegExp(`salvaged ${foundSpans} spans into a fresh ${name!.replace(/\./g, '\\.')}, ${all.length - foundSpans} spans could not be read`));

    // The UI says so on every page.
    ensureUiBuilt();
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${again.queryUrl}/search`);
      const banner = page.locator('[data-testid=storage-damage]');
      await banner.waitFor({ timeout: 60_000 });
      // Digits grouped as the browser's locale does.
      assert.match((await banner.innerText()).replace(/(\d)[,.\s\u202f\u00a0](?=\d{3})/g, '$1'), new RegExp(`${all.length - foundSpans} spans? unreadable`));
    } finally {
      await browser.close();
    }
  } finally {
    assert.equal(await again.stop(), 0);
  }
  // The salvaged file is a partition like any other: the same spans after another restart, and no new damage.
  const third = await startEmbedded(dir, ARGS);
  try {
    assert.equal((await tracesOf(third.queryUrl, 'salvage')).reduce((n, t) => n + t.spans.length, 0), salvaged);
    assert.deepEqual(((await (await fetch(`${third.queryUrl}/api/storage/status`)).json()) as { data: { damaged: unknown[] } }).data.damaged, []);
  } finally {
    assert.equal(await third.stop(), 0);
  }
});
