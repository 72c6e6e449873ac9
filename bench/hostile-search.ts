/**
 * Searches over accepted but hostile data in the embedded store: traces of
 * many spans whose attribute values are near the ingest truncation limit,
 * a span starting at 0 and one in 2225 in every trace, events on every
 * tenth span. Sends them to `./bin/waymark all-in-one` over OTLP/HTTP, then
 * searches with growing limits and prints each answer's status and size, its
 * time, and the Waymark process's RSS (VmRSS) after it.
 *
 *   npm run bench:hostile-search -- --traces 30 --spans 200 --attrs 4 --value 16000 --store-memory 256MB
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startWaymark } from '../test/support/waymark.ts';

const { values } = parseArgs({
  options: {
    traces: { type: 'string', default: '30' },
    spans: { type: 'string', default: '200' },
    attrs: { type: 'string', default: '4' },
    value: { type: 'string', default: '16000' },
    'store-memory': { type: 'string', default: '256MB' },
    limits: { type: 'string', default: '1,5,10,15,16,20,30' },
  },
});
const [traces, spansPerTrace, attrs, valueLength] = [values.traces, values.spans, values.attrs, values.value].map(Number) as [number, number, number, number];
const dir = mkdtempSync(path.join(tmpdir(), 'waymark-hostile-'));
const waymark = await startWaymark({ defaultStorage: true, args: ['--data-dir', dir, '--store-memory', values['store-memory']!] });
const rssMiB = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${waymark.process.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

try {
  const now = BigInt(Date.now()) * 1_000_000n;
  // Bodies stay below the 16 MiB request limit.
  const perBody = Math.max(1, Math.floor((8 * 1024 * 1024) / (attrs * valueLength + 50_000)));
  for (let t = 0; t < traces; t++) {
    for (let from = 0; from < spansPerTrace; from += perBody) {
      const spans = [];
      for (let s = from; s < Math.min(spansPerTrace, from + perBody); s++) {
        const start = s === 0 ? 0n : s === 1 ? 8_000_000_000_000_000_000n : now - BigInt((traces - t) * 1000 + s) * 1_000_000n;
        spans.push({
          traceId: hex(t + 1, 32),
          spanId: hex(t * 100_000 + s + 1, 16),
          name: 'op' + (s % 3),
          kind: 2,
          startTimeUnixNano: String(start),
          endTimeUnixNano: String(start + 1000n),
          attributes: Array.from({ length: attrs }, (_, i) => ({ key: 'k' + i, value: { stringValue: String.fromCharCode(97 + ((t + i) % 26)).repeat(valueLength) } })),
          events: s % 10 === 0 ? Array.from({ length: 20 }, (_, i) => ({ timeUnixNano: String(start), name: 'e' + i, attributes: [{ key: 'x', value: { stringValue: 'y'.repeat(2000) } }] })) : [],
        });
      }
      const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile' } }] }, scopeSpans: [{ spans }] }] });
      const res = await fetch(`http://127.0.0.1:${waymark.ports.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status !== 200) throw new Error(`ingest: ${res.status} ${await res.text()}`);
    }
  }
  console.log(`${traces * spansPerTrace} spans sent (${attrs} x ${valueLength} B attribute values each); waymark RSS ${rssMiB().toFixed(0)} MiB`);
  console.log('| limit | status | answer bytes | time | waymark RSS after |');
  console.log('|---|---|---|---|---|');
  for (const limit of values.limits!.split(',').map(Number)) {
    const t0 = Date.now();
    const res = await fetch(`${waymark.queryUrl}/api/traces?service=hostile&limit=${limit}&start=0`);
    const text = await res.text();
    const status = res.status === 200 ? '200' : `${res.status} ${text.slice(0, 80)}`;
    console.log(`| ${limit} | ${status} | ${text.length} | ${Date.now() - t0} ms | ${rssMiB().toFixed(0)} MiB |`);
  }
} finally {
  await waymark.stop();
  rmSync(dir, { recursive: true, force: true });
}
