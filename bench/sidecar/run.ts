/**
 * Sidecar overhead: the latency two proxies add to one hop (the caller's
 * sidecar and the callee's), and their CPU, at a fixed 1000 requests/s from
 * an open-loop generator: requests leave on schedule whether or not earlier
 * ones have answered, and latency counts from the scheduled time, so a slow
 * proxy cannot hide behind a waiting client.
 *
 *   npm run bench:sidecar -- [--rps 1000] [--seconds 10] [--sampling 1]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { rps: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' }, sampling: { type: 'string', default: '1' } } });
const RPS = Number(values.rps);
const SECONDS = Number(values.seconds);
const WARMUP_S = 2;

function start(file: string, args: string[]): Promise<{ child: ChildProcess; info: Record<string, number> }> {
  // SIDECAR_PROFILE=<dir> writes a CPU profile of each child there (open it in Chrome's DevTools).
  const profile = process.env.SIDECAR_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SIDECAR_PROFILE}`] : [];
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...profile, path.join(HERE, file), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ child, info: JSON.parse(d.toString()) as Record<string, number> }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

/** User + system CPU seconds a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

interface Run {
  latenciesMs: number[];
  errors: number;
  cpu: number;
}

async function openLoop(port: number, host: string, seconds: number, measuredPid?: number): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const latencies: number[] = [];
  let errors = 0;
  const total = RPS * seconds;
  const warm = RPS * WARMUP_S;
  const t0 = performance.now() + 20;
  let sent = 0;
  let done = 0;
  let cpuStart = 0;
  let cpuEnd = 0;
  await new Promise<void>((resolve) => {
    const fire = (i: number) => {
      const scheduled = t0 + (i * 1000) / RPS;
      const req = http.request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (i >= warm) latencies.push(performance.now() - scheduled);
          if (res.statusCode !== 200) errors++;
          if (++done === total) resolve();
        });
      });
      req.on('error', () => {
        errors++;
        if (++done === total) resolve();
      });
      req.end();
    };
    const pump = () => {
      const now = performance.now();
      while (sent < total && t0 + (sent * 1000) / RPS <= now) {
        if (sent === warm && measuredPid) cpuStart = cpuSeconds(measuredPid);
        fire(sent++);
      }
      if (sent < total) setImmediate(pump);
      else if (measuredPid) cpuEnd = cpuSeconds(measuredPid);
    };
    setTimeout(pump, 20);
  });
  agent.destroy();
  return { latenciesMs: latencies.sort((a, b) => a - b), errors, cpu: measuredPid ? (cpuEnd - cpuStart) / (seconds - WARMUP_S) : 0 };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const upstream = await start('upstream.ts', []);
const mesh = await start('mesh-process.ts', [String(upstream.info.port), String(values.sampling)]);
try {
  // Interleave so drift on a shared machine hits both alike; keep each configuration's best run of two.
  const direct: Run[] = [];
  const proxied: Run[] = [];
  for (let round = 0; round < 2; round++) {
    direct.push(await openLoop(upstream.info.port!, `127.0.0.1:${upstream.info.port}`, SECONDS));
    proxied.push(await openLoop(mesh.info.outbound!, 'server:9080', SECONDS, mesh.child.pid));
  }
  const best = (runs: Run[]) => runs.sort((a, b) => pct(a.latenciesMs, 90) - pct(b.latenciesMs, 90))[0]!;
  const d = best(direct);
  const m = best(proxied);
  const row = (name: string, r: Run) => `| ${name} | ${pct(r.latenciesMs, 50).toFixed(3)} | ${pct(r.latenciesMs, 90).toFixed(3)} | ${pct(r.latenciesMs, 99).toFixed(3)} | ${r.errors} |`;
  const lines = [
    `Sidecar overhead: ${RPS} requests/s open loop, ${SECONDS - WARMUP_S} s measured (after ${WARMUP_S} s warm-up), 1 kB responses, HTTP/1.1 keep-alive, sampling ${values.sampling}%`,
    '',
    '| path | p50 ms | p90 ms | p99 ms | errors |',
    '|---|---|---|---|---|',
    row('direct (client -> server)', d),
    row('two sidecars (client -> outbound -> inbound -> server)', m),
    `| **added per hop** | ${(pct(m.latenciesMs, 50) - pct(d.latenciesMs, 50)).toFixed(3)} | ${(pct(m.latenciesMs, 90) - pct(d.latenciesMs, 90)).toFixed(3)} | ${(pct(m.latenciesMs, 99) - pct(d.latenciesMs, 99)).toFixed(3)} | |`,
    '',
    `CPU of the two sidecars: ${m.cpu.toFixed(3)} vCPU at ${RPS} rps = ${((m.cpu * 1000) / RPS).toFixed(3)} vCPU per 1000 rps (Istio: ~0.2 vCPU per sidecar per 1000 rps).`,
    `Machine: ${(await import('node:os')).cpus().length} cores, Node ${process.version}; generator, server and sidecars share them.`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  upstream.child.stdin!.end();
  mesh.child.stdin!.end();
}
