import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WaymarkMetrics } from '../../src/observability/metrics.ts';
import { API_V2_QUERY_SERVICE } from '../../src/query/grpc/v2-query-service.ts';
import { MemoryStore } from '../../src/storage/memory/memory-store.ts';
import { startInProcess, type InProcessWaymark } from '../support/in-process.ts';
import { minutesAgo, span } from './support.ts';

/**
 * Expensive queries are bounded: the limit and the window are capped (and
 * the answer says so), every query has a deadline, and a query abandoned by
 * its deadline or its client is stopped in the store (its scan counts the
 * cancellation in waymark_storage_reads_cancelled_total).
 */
const TRACES = 1500;
const id = (n: number) => 'c1' + n.toString(16).padStart(30, '0');
let capped: InProcessWaymark;

before(async () => {
  const store = new MemoryStore({ maxTraces: 10_000 });
  capped = await startInProcess({ storage: store });
  const spans = Array.from({ length: TRACES }, (_, i) => span({ trace: id(i), span: (i + 1).toString(16).padStart(16, '0'), service: 'many', start: minutesAgo(1 + (i % 600)) }));
  spans.push(span({ trace: id(90_001), span: 'f000000000000001', service: 'many', start: 1_000_000_000n }));
  await store.writeSpans(spans);
});
after(() => capped?.stop());

test('limit=1000000 is lowered to --query-max-limit (default 1000), and the answer says so', async () => {
  const res = await fetch(`${capped.queryUrl}/api/traces?service=many&limit=1000000`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('waymark-query-warning') ?? '', /limit 1000000 lowered to 1000 \(--query-max-limit\)/);
  assert.equal(((await res.json()) as { data: unknown[] }).data.length, 1000);
});

test('api_v3 search_depth=1000000 is lowered too', async () => {
  const q = new URLSearchParams({ 'query.service_name': 'many', 'query.start_time_min': new Date(Date.now() - 86_400_000).toISOString(), 'query.start_time_max': new Date().toISOString(), 'query.search_depth': '1000000' });
  const res = await fetch(`${capped.queryUrl}/api/v3/traces?${q}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('waymark-query-warning') ?? '', /lowered to 1000/);
  const body = (await res.json()) as { result: { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] } };
  const ids = new Set(body.result.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))));
  assert.equal(ids.size, 1000);
});

test('a window from 0 to 2^63 is narrowed to --query-max-window (default: the retention) before its end', async () => {
  const res = await fetch(`${capped.queryUrl}/api/traces?service=many&start=0&end=9223372036854775807&limit=10`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('waymark-query-warning') ?? '', /search window narrowed to the 168h before its end \(--query-max-window\)/);
  // The window now ends in 2262 and starts a week before: nothing stored lies in it.
  assert.deepEqual(((await res.json()) as { data: unknown[] }).data, []);
  const from1970 = await fetch(`${capped.queryUrl}/api/traces?service=many&start=0&limit=2000`);
  const traces = ((await from1970.json()) as { data: { traceID: string }[] }).data;
  assert.ok(!traces.some((t) => t.traceID === id(90_001)), 'the span of 1970 is outside the narrowed window');
});

/** A memory store of many traces, whose scans take long enough to be stopped, with its own counters. */
async function bigStore(): Promise<{ store: MemoryStore; metrics: WaymarkMetrics }> {
  const metrics = new WaymarkMetrics();
  const store = new MemoryStore({ maxTraces: 200_000, metrics });
  const spans = Array.from({ length: 60_000 }, (_, i) => span({ trace: 'd2' + i.toString(16).padStart(30, '0'), span: (i + 1).toString(16).padStart(16, '0'), service: 'bulk', start: minutesAgo(1 + (i % 600)) }));
  await store.writeSpans(spans);
  return { store, metrics };
}

const cancelledReads = async (m: WaymarkMetrics) => (await m.storageReadsCancelled.get()).values.reduce((n, v) => n + v.value, 0);

test('a query past --query-timeout answers 503 naming the deadline, the store stops its scan, and the server keeps serving', async () => {
  const { store, metrics } = await bigStore();
  const w = await startInProcess({ storage: store, flags: { 'query.timeout': '1ms' } });
  try {
    const res = await fetch(`${w.queryUrl}/api/traces?service=bulk&tag=never:there&limit=20`);
    const body = (await res.json()) as { errors: { code: number; msg: string }[] };
    assert.equal(res.status, 503);
    assert.match(body.errors[0]!.msg, /did not finish within 1 ms \(--query-timeout\)/);
    assert.ok((await cancelledReads(metrics)) >= 1, 'the memory store stopped the scan');
    const services = await fetch(`${w.queryUrl}/api/services`);
    assert.equal(services.status, 200);
  } finally {
    await w.stop();
  }
});

test('a client that disconnects cancels its query in the store', async () => {
  const { store, metrics } = await bigStore();
  const w = await startInProcess({ storage: store });
  try {
    // The client gives up shortly after asking; a busy machine may answer first, so try a few times.
    for (let attempt = 0; attempt < 20 && (await cancelledReads(metrics)) === 0; attempt++) {
      const controller = new AbortController();
      const pending = fetch(`${w.queryUrl}/api/traces?service=bulk&tag=never:there&limit=20`, { signal: controller.signal }).catch(() => undefined);
      setTimeout(() => controller.abort(), 5 + attempt * 5);
      await pending;
      for (let i = 0; i < 50 && (await cancelledReads(metrics)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok((await cancelledReads(metrics)) >= 1, 'the store stopped the abandoned scan');
    assert.ok((await w.telemetry.metrics.queriesAbandoned.get()).values.some((v) => v.labels.reason === 'client_gone' && v.value >= 1));
  } finally {
    await w.stop();
  }
});

test('gRPC: the call deadline reaches the store, and a lowered search_depth is reported in the trailer', async () => {
  const { store, metrics } = await bigStore();
  const w = await startInProcess({ storage: store });
  const V2 = grpc.makeGenericClientConstructor(API_V2_QUERY_SERVICE, 'QueryService');
  const client = new V2(`127.0.0.1:${w.ports.queryGrpc}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, Function>;
  const findTraces = (query: object, deadline?: number) =>
    new Promise<{ error?: grpc.ServiceError; spans: number; trailer?: grpc.Metadata }>((resolve) => {
      const call = client.FindTraces!({ query }, deadline ? { deadline } : {}) as grpc.ClientReadableStream<{ spans: unknown[] }>;
      let spans = 0;
      let trailer: grpc.Metadata | undefined;
      call.on('data', (m: { spans: unknown[] }) => (spans += m.spans.length));
      call.on('status', (s: grpc.StatusObject) => (trailer = s.metadata));
      call.on('error', (error: grpc.ServiceError) => resolve({ error, spans }));
      call.on('end', () => setImmediate(() => resolve({ spans, ...(trailer ? { trailer } : {}) })));
    });
  try {
    const capped = await findTraces({ serviceName: 'bulk', searchDepth: 1_000_000 });
    assert.equal(capped.error, undefined);
    assert.equal(capped.spans, 1000);
    assert.match(String(capped.trailer?.get('waymark-query-warning')[0] ?? ''), /lowered to 1000/);
    // A deadline far shorter than --query-timeout: the server stops the scan when it passes.
    for (let attempt = 0; attempt < 20 && (await cancelledReads(metrics)) === 0; attempt++) {
      const late = await findTraces({ serviceName: 'bulk', tags: { never: 'there' } }, Date.now() + 5 + attempt * 5);
      assert.equal(late.error?.code, grpc.status.DEADLINE_EXCEEDED);
      for (let i = 0; i < 50 && (await cancelledReads(metrics)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok((await cancelledReads(metrics)) >= 1, 'the store stopped the scan the deadline abandoned');
  } finally {
    client.close();
    await w.stop();
  }
});
