import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ROOT, startWaymark, type RunningWaymark } from '../support/waymark.ts';

/**
 * Jaeger's own Go query clients against Waymark, on both stores: jaeger-idl's
 * gogo-generated api_v2 client and an api_v3 client generated as Jaeger
 * generates its own (test/interop/jaeger-go). Those clients send every
 * Timestamp and Duration, unset ones as zero values (0001-01-01, an empty
 * Duration), which Waymark must read as "unset", as Jaeger does.
 */
const execFileP = promisify(execFile);
const GO_DIR = path.join(ROOT, 'test/interop/jaeger-go');
const work = mkdtempSync(path.join(tmpdir(), 'waymark-jaeger-go-'));
const client = path.join(work, 'jaeger-go');

/** Module download and first compile can take minutes on a cold, busy machine. */
async function buildClient(): Promise<void> {
  try {
    // -mod=mod: go.sum is committed, modules come from the Go module proxy into Go's module cache.
    await execFileP('go', ['build', '-mod=mod', '-buildvcs=false', '-o', client, '.'], { cwd: GO_DIR, timeout: 600_000 });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new Error('this test needs Go (the `go` command) on PATH to build test/interop/jaeger-go');
    throw new Error(`go build of test/interop/jaeger-go failed: ${e.stderr ?? e.message}`);
  }
}

interface CallResult {
  code: string;
  error?: string;
  traceIds?: string[];
  spans?: number;
  services?: string[];
  operations?: string[];
}

async function runClient(w: RunningWaymark, service: string, traceId: string): Promise<Record<string, CallResult>> {
  const { stdout } = await execFileP(client, ['-addr', `127.0.0.1:${w.ports.queryGrpc}`, '-service', service, '-trace', traceId], { timeout: 300_000 });
  return JSON.parse(stdout) as Record<string, CallResult>;
}

/** A server span and its client child, now, through the OpenTelemetry JS SDK and its OTLP/gRPC exporter. */
async function emitTrace(w: RunningWaymark, service: string): Promise<string> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${w.ports.otlpGrpc}` }))],
  });
  const tracer = provider.getTracer('jaeger-go-interop');
  const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER });
  tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root)).end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

/** Until the legacy HTTP search finds the trace, so the gRPC calls below see a settled store. */
async function waitUntilSearchable(w: RunningWaymark, service: string, traceId: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${w.queryUrl}/api/traces?service=${encodeURIComponent(service)}&lookback=1h`);
    last = await res.text();
    if (res.status === 200 && last.includes(traceId)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`trace ${traceId} not searchable within 120 s; last answer: ${last.slice(0, 300)}`);
}

const STORES = ['memory', 'embedded'] as const;
const servers = new Map<string, RunningWaymark>();
const dataDir = path.join(work, 'data');
let built: Promise<void>;

before(async () => {
  built = buildClient();
  built.catch(() => {}); // awaited by each test, which reports the failure
  servers.set('memory', await startWaymark());
  servers.set('embedded', await startWaymark({ args: ['--storage', 'embedded', '--data-dir', dataDir] }));
});

after(async () => {
  for (const w of servers.values()) await w.stop();
  rmSync(work, { recursive: true, force: true });
});

for (const store of STORES) {
  test(`Jaeger's Go clients (api_v3 and api_v2) find, get and list on the ${store} store`, { timeout: 900_000 }, async () => {
    const w = servers.get(store)!;
    const service = `go-client-${store}`;
    const traceId = await emitTrace(w, service);
    await waitUntilSearchable(w, service, traceId);
    await built;
    const r = await runClient(w, service, traceId);
    // What each call found, side by side with what it should find, so one failure shows every call.
    const seen = Object.fromEntries(Object.entries(r).map(([call, x]) => [call, x.code === 'OK' ? { traces: x.traceIds ?? [], spans: x.spans ?? 0 } : `${x.code}: ${x.error}`]));
    const trace2 = { traces: [traceId], spans: 2 };
    const ops = ['GET /orders/server', 'SELECT orders/client'];
    assert.deepEqual(
      {
        ...seen,
        'v3.FindTraces.zeroWindow': r['v3.FindTraces.zeroWindow']!.code,
        'v3.GetServices': r['v3.GetServices']!.services?.includes(service),
        'v3.GetOperations': r['v3.GetOperations']!.operations?.sort(),
        'v2.GetServices': r['v2.GetServices']!.services?.includes(service),
        'v2.GetOperations': r['v2.GetOperations']!.operations?.sort(),
      },
      {
        // api_v3: service and window only; the durations travel as empty Durations, GetTrace's unset times as 0001-01-01.
        'v3.FindTraces': trace2,
        'v3.GetTrace': trace2,
        // Jaeger refuses an api_v3 search whose (required) window is left at zero.
        'v3.FindTraces.zeroWindow': 'InvalidArgument',
        'v3.GetServices': true,
        'v3.GetOperations': ops,
        // api_v2: the same, and a window left at zero is api_v2's default window.
        'v2.FindTraces': trace2,
        'v2.FindTraces.zeroWindow': trace2,
        'v2.GetTrace': trace2,
        'v2.GetServices': true,
        'v2.GetOperations': ops,
      },
    );
    assert.match(r['v3.FindTraces.zeroWindow']!.error!, /start_time_min: is required/);
  });
}
