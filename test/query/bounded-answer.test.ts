import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startInProcess, type InProcessWaymark } from '../support/in-process.ts';

/**
 * Accepted but hostile data must never make a search fail, and a query's
 * memory must not grow with the data. Through the OTLP/HTTP receiver into
 * the embedded store with a small --store-memory: traces of 200 spans, each
 * with 4 attribute values of 16 kB (below the 64 kB truncation limit), a
 * span starting at 0 and one in 2225 (so each trace's range spans the whole
 * epoch), events on every tenth span. The traces together hold ~150 MB of
 * span data, more than DuckDB may use; before the answer budget a search for
 * all of them failed with DuckDB's "Out of Memory" and its tuning advice.
 */
const TRACES = 12;
const SPANS = 200;
const VALUE = 16_000;
/** --query-max-answer-bytes's default. */
const MAX_ANSWER = 64 * 1024 * 1024;
let w: InProcessWaymark;
let dir: string;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const traceId = (t: number) => 'b0' + hex(t + 1, 30);

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'waymark-bounded-'));
  w = await startInProcess({
    flags: { 'storage.type': 'embedded', 'storage.embedded.dataDir': dir, 'storage.embedded.memoryLimit': '128MB' },
  });
  const now = BigInt(Date.now()) * 1_000_000n;
  for (let t = 0; t < TRACES; t++) {
    for (let from = 0; from < SPANS; from += 50) {
      const spans = [];
      for (let s = from; s < from + 50; s++) {
        const start = s === 0 ? 0n : s === 1 ? 8_000_000_000_000_000_000n : now - BigInt((TRACES - t) * 1000 + s) * 1_000_000n;
        spans.push({
          traceId: traceId(t),
          spanId: hex(t * 100_000 + s + 1, 16),
          name: 'op' + (s % 3),
          kind: 2,
          startTimeUnixNano: String(start),
          endTimeUnixNano: String(start + 1000n),
          attributes: Array.from({ length: 4 }, (_, i) => ({ key: 'big' + i, value: { stringValue: String.fromCharCode(97 + ((t + i) % 26)).repeat(VALUE) } })),
          events: s % 10 === 0 ? Array.from({ length: 20 }, (_, i) => ({ timeUnixNano: String(start), name: 'e' + i, attributes: [{ key: 'x', value: { stringValue: 'y'.repeat(2000) } }] })) : [],
        });
      }
      const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile' } }] }, scopeSpans: [{ spans }] }] });
      const res = await fetch(`http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 200, await res.text());
    }
  }
});

after(async () => {
  await w?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('searches over huge traces answer within the byte budget, at every limit, never with a store error', async () => {
  for (const limit of [1, 4, TRACES]) {
    const res = await fetch(`${w.queryUrl}/api/traces?service=hostile&limit=${limit}&start=0`);
    const text = await res.text();
    assert.equal(res.status, 200, `limit=${limit}: ${text.slice(0, 400)}`);
    const body = JSON.parse(text) as { data: { traceID: string; spans: { tags: { key: string }[]; warnings: string[] | null }[] }[] };
    const spanValueBytes = body.data.reduce((n, t) => n + t.spans.length * 4 * VALUE, 0);
    assert.ok(spanValueBytes <= MAX_ANSWER, `limit=${limit}: ${spanValueBytes} bytes of attribute values exceed the ${MAX_ANSWER} budget`);
    assert.ok(body.data.length >= 1 && body.data.length <= limit, `limit=${limit}: ${body.data.length} traces`);
    const whole = SPANS;
    const cut = body.data.filter((t) => t.spans.length < whole);
    if (limit * SPANS * 4 * VALUE > MAX_ANSWER) {
      // The budget was reached: one trace is cut and says so on a span, and the answer says more matched.
      assert.equal(cut.length, 1, `limit=${limit}: ${cut.length} traces cut`);
      assert.ok(cut[0]!.spans.some((s) => s.warnings?.some((x) => /cut to \d+ of its 200 spans/.test(x))), 'the cut trace carries a warning');
      assert.match(res.headers.get('waymark-query-warning') ?? '', /--query-max-answer-bytes/);
    } else {
      assert.equal(cut.length, 0, `limit=${limit}: no trace should be cut`);
    }
  }
});

test('a large trace by ID is answered whole when it fits the budget', async () => {
  const res = await fetch(`${w.queryUrl}/api/traces/${traceId(0)}`);
  assert.equal(res.status, 200, (await res.clone().text()).slice(0, 300));
  const body = (await res.json()) as { data: { spans: { warnings: string[] | null }[] }[] };
  assert.equal(body.data[0]!.spans.length, SPANS, 'one trace of ~13 MB fits the budget whole');
});
