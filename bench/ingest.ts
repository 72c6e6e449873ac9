/**
 * OTLP/HTTP protobuf ingest benchmark.
 *
 * Starts `./bin/waymark all-in-one --storage memory` on free ports, pre-encodes
 * the shop traffic of bench/data/generator.ts in batches of 512 spans, sends
 * them over a few concurrent connections and prints throughput, the Waymark
 * process's CPU seconds per 100k spans (utime+stime from /proc/<pid>/stat)
 * and its peak RSS (VmHWM).
 *
 *   npm run bench:ingest -- --spans 500000 --connections 4 --seed 42
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { encodeTracesData } from '../src/protocols/otlp/proto-encoder.ts';
import { startWaymark } from '../test/support/waymark.ts';
import { ShopTraffic } from './data/generator.ts';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '500000' },
    batch: { type: 'string', default: '512' },
    connections: { type: 'string', default: '4' },
    seed: { type: 'string', default: '42' },
  },
});
const totalSpans = Number(values.spans);
const batchSize = Number(values.batch);
const connections = Number(values.connections);

console.log(`generating ${totalSpans} spans (seed ${values.seed}) in batches of ${batchSize}...`);
const traffic = new ShopTraffic({ seed: Number(values.seed) });
const batches: Buffer[] = [];
let pending = traffic.spans(0);
let sent = 0;
while (sent < totalSpans) {
  while (pending.length < batchSize) pending = pending.concat(traffic.trace());
  const n = Math.min(batchSize, totalSpans - sent);
  batches.push(Buffer.from(encodeTracesData(pending.slice(0, n))));
  pending = pending.slice(n);
  sent += n;
}
const bytes = batches.reduce((a, b) => a + b.length, 0);
console.log(`${batches.length} batches, ${(bytes / 1048576).toFixed(1)} MiB of OTLP protobuf`);

// Room for every trace, so eviction does not blur the figures.
const waymark = await startWaymark({ args: ['--memory-max-traces', String(Math.ceil(totalSpans / 4)), '--queue-size', '1000000'] });
const pid = waymark.process.pid!;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
try {
  // Warm up the JIT on a few batches, then measure the rest from a clean CPU reading.
  for (const b of batches.slice(0, 4)) await post(b);
  const measured = batches.slice(4);
  const measuredSpans = measured.length === batches.length - 4 ? totalSpans - 4 * batchSize : 0;
  const cpu0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  let next = 0;
  let retries = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < measured.length) {
        const b = measured[next++]!;
        for (;;) {
          const status = await post(b);
          if (status === 200) break;
          if (status !== 503) throw new Error(`waymark answered ${status}`);
          retries++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pid) - cpu0;
  const spansPerCpuSecond = measuredSpans / cpu;
  console.log(`spans sent:            ${measuredSpans} (after ${4 * batchSize} warm-up spans)`);
  console.log(`wall time:             ${seconds.toFixed(2)} s`);
  console.log(`throughput:            ${Math.round(measuredSpans / seconds)} spans/s`);
  console.log(`waymark CPU:           ${cpu.toFixed(2)} s = ${((cpu / measuredSpans) * 100_000).toFixed(3)} CPU-s per 100k spans (${Math.round(spansPerCpuSecond)} spans per CPU-second)`);
  console.log(`waymark peak RSS:      ${(peakRssKiB(pid) / 1024).toFixed(0)} MiB (VmHWM)`);
  console.log(`503 retries:           ${retries}`);
} finally {
  agent.destroy();
  await waymark.stop();
}

function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: waymark.ports.otlpHttp,
        path: '/v1/traces',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
function cpuSeconds(p: number): number {
  const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssKiB(p: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
