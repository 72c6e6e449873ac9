import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alive, startDemo, type RunningDemo } from './demo-harness.ts';
import { criticalPath, GATEWAY, getTrace, isAppSpan, isWholeTrace, isProxySpan, searchTraces, traceProblems, waitForTrace, type TSpan } from './trace-checks.ts';

// One demo for the whole file, at 10% sampling: the tests that need a trace force it
// with x-b3-sampled: 1, which the gateway must respect as an upstream decision.
describe('waymark demo: Bookinfo on the local mesh', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo(['--sampling', '10', '--load-rps', '2']);
  });
  after(async () => {
    await demo?.stop();
  });

  const send = async (p: string, headers: Record<string, string> = {}) => {
    const res = await fetch(demo.gatewayUrl + p, { headers, redirect: 'manual' });
    return { status: res.status, body: await res.text() };
  };
  /** A sampled request whose trace we can find again by its x-request-id. */
  const traced = async (user?: string): Promise<{ body: string; spans: () => Promise<TSpan[]>; requestId: string }> => {
    const requestId = randomUUID();
    const headers: Record<string, string> = { 'x-request-id': requestId, 'x-b3-sampled': '1', 'user-agent': 'demo-test' };
    if (user) headers.cookie = `session=${user}`;
    const { status, body } = await send('/productpage', headers);
    assert.equal(status, 200, body);
    // An aborted call to ratings leaves the 17 spans before the fault; every other trace is whole.
    const complete = user === 'faulty' ? (t: TSpan[]) => t.length >= 17 && t.some((s) => s.service === 'reviews' && s.kind === 'client') : isWholeTrace;
    return { body, requestId, spans: () => waitForTrace(demo.queryUrl, requestId, complete) };
  };

  test('one /productpage trace holds the gateway, every sidecar (Zipkin) and every app (OTLP), parents intact, CLIENT/SERVER per hop', async (t) => {
    const { spans } = await traced('jason');
    const trace = await spans();
    const queryableAfterMs = Date.now() - demo.startedAt;
    assert.deepEqual(traceProblems(trace), []);
    const services = new Set(trace.map((s) => s.service));
    for (const s of [GATEWAY, 'productpage.default', 'details.default', 'reviews.default', 'ratings.default', 'productpage', 'details', 'reviews', 'ratings']) assert.ok(services.has(s), `no ${s} span`);
    // Envoy's shape: names, tags, serviceName, one CLIENT on the caller's side and one SERVER on the callee's.
    const detailsServer = trace.find((s) => s.service === 'details.default' && s.kind === 'server')!;
    assert.equal(detailsServer.name, 'details.default.svc.cluster.local:9080/*');
    assert.equal(detailsServer.tags.upstream_cluster, 'inbound|9080||');
    assert.equal(detailsServer.tags['istio.canonical_service'], 'details');
    assert.match(detailsServer.tags.node_id!, /^sidecar~127\.0\.0\.1~details-v1-[0-9a-f]+-\w+\.default~default\.svc\.cluster\.local$/);
    const detailsClient = trace.find((s) => s.spanId === detailsServer.parentId)!;
    assert.equal(detailsClient.service, 'productpage.default');
    assert.equal(detailsClient.kind, 'client');
    assert.equal(detailsClient.tags.upstream_cluster, 'outbound|9080||details.default.svc.cluster.local');
    assert.equal(detailsClient.tags['http.status_code'], '200');
    assert.equal(detailsClient.tags.response_flags, '-');
    const gatewayClient = trace.find((s) => s.service === GATEWAY && s.kind === 'client')!;
    assert.equal(gatewayClient.name, 'router outbound|9080||productpage.default.svc.cluster.local egress');
    // Apps report through their SDK with manual spans for real work.
    assert.ok(trace.some((s) => s.service === 'productpage' && s.name === 'render productpage' && isAppSpan(s)));
    assert.ok(trace.filter(isProxySpan).length === 9, 'two gateway spans and seven sidecar spans');
    // Dependencies the UI draws from it.
    const deps = (await (await fetch(`${demo.queryUrl}/api/dependencies?endTs=${Date.now()}&lookback=3600000`)).json()) as { data: { parent: string; child: string }[] };
    const edges = new Set(deps.data.map((d) => `${d.parent} -> ${d.child}`));
    for (const e of [`${GATEWAY} -> productpage.default`, 'productpage.default -> details.default', 'productpage.default -> reviews.default', 'reviews.default -> ratings.default']) {
      assert.ok(edges.has(e), `no dependency ${e}: ${[...edges].join(', ')}`);
    }
    t.diagnostic(`ready ${demo.readyAt - demo.startedAt} ms after start, first trace queryable after ${queryableAfterMs} ms`);
    assert.ok(queryableAfterMs < 10_000, `first trace queryable ${queryableAfterMs} ms after start`);
  });

  test('end-user jason always reaches reviews v2', async () => {
    const bodies = await Promise.all(Array.from({ length: 30 }, () => send('/productpage', { cookie: 'session=jason' })));
    for (const { status, body } of bodies) {
      assert.equal(status, 200);
      assert.match(body, /Reviews served by: <u>reviews-v2-/);
      assert.match(body, /color:black/);
    }
    // Also as a header (a client that sets end-user itself), and seen from the trace.
    const requestId = randomUUID();
    const { body } = await send('/productpage', { 'end-user': 'jason', 'x-request-id': requestId, 'x-b3-sampled': '1' });
    assert.match(body, /reviews-v2-/);
    const trace = await waitForTrace(demo.queryUrl, requestId, isWholeTrace);
    assert.equal(trace.find((s) => s.service === 'reviews.default' && s.kind === 'server')!.tags['istio.canonical_revision'], 'v2');
    assert.equal(trace.find((s) => s.service === 'productpage.default' && s.tags.upstream_cluster?.includes('reviews'))!.tags.upstream_cluster, 'outbound|9080|v2|reviews.default.svc.cluster.local');
  });

  test('an injected abort produces error spans with response_flags and error=true', async () => {
    const { body, spans } = await traced('faulty');
    assert.match(body, /Ratings service is currently unavailable/);
    const trace = await spans();
    const aborted = trace.find((s) => s.service === 'reviews.default' && s.kind === 'client');
    assert.ok(aborted, 'no reviews sidecar CLIENT span');
    assert.equal(aborted.tags.response_flags, 'FI');
    assert.equal(aborted.tags['http.status_code'], '503');
    assert.equal(aborted.tags.error, 'true');
    assert.equal(aborted.tags.upstream_cluster, 'outbound|9080|v1|ratings.default.svc.cluster.local');
    // The fault stops at the caller's sidecar: ratings never sees the request.
    assert.ok(!trace.some((s) => s.service === 'ratings' || s.service === 'ratings.default'));
    // The app's client span sees the 503 too.
    const appClient = trace.find((s) => s.spanId === aborted.parentId)!;
    assert.equal(appClient.service, 'reviews');
    assert.equal(appClient.tags.error, 'true');
  });

  test('an injected delay shows up as the critical path', async () => {
    const { spans } = await traced('delayed');
    const trace = await spans();
    assert.deepEqual(traceProblems(trace), []);
    const delayed = trace.find((s) => s.service === 'reviews.default' && s.kind === 'client')!;
    assert.equal(delayed.tags.response_flags, 'DI');
    assert.ok(delayed.durationUs >= 1_000_000, `delayed span lasted ${delayed.durationUs} us`);
    const path = criticalPath(trace);
    const onPath = path.map((p) => p.span);
    assert.ok(onPath.includes(delayed), `critical path: ${onPath.map((s) => `${s.service}/${s.name}`).join(' > ')}`);
    // The delay is where the time went: the span contributing most to the critical path, most of the request.
    const top = [...path].sort((a, b) => b.selfUs - a.selfUs)[0]!;
    assert.equal(top.span, delayed);
    assert.ok(top.selfUs / path[0]!.span.durationUs > 0.8, 'the delay is most of the request');
    // And the path to it runs through every hop from the gateway.
    for (const hop of [`${GATEWAY}:server`, `${GATEWAY}:client`, 'productpage.default:server', 'productpage:server', 'productpage:client', 'productpage.default:client', 'reviews.default:server', 'reviews:server', 'reviews:client']) {
      assert.ok(onPath.some((s) => `${s.service}:${s.kind}` === hop), `${hop} not on the critical path`);
    }
  });

  test("a log line's trace_id and span_id, in every service, lead to a stored trace", async () => {
    // Sampled traffic until each instance (reviews v1 only takes anonymous traffic) has logged a sampled request.
    const apps = ['productpage-v1', 'details-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1'];
    const sampledLines = (app: string) =>
      readFileSync(path.join(demo.logDir, `${app}.log`), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"trace_flags":"01"'))
        .map((l) => JSON.parse(l) as { trace_id: string; span_id: string; service: string });
    for (let i = 0; i < 60 && !apps.every((a) => sampledLines(a).length > 0); i++) {
      await send('/productpage', { 'x-b3-sampled': '1', 'user-agent': 'demo-test' });
    }
    await new Promise((r) => setTimeout(r, 1500));
    for (const app of apps) {
      const lines = sampledLines(app);
      assert.ok(lines.length > 0, `${app} logged no sampled request`);
      const line = lines.at(-1)!;
      assert.match(line.trace_id, /^[0-9a-f]{32}$/);
      let trace: TSpan[] | undefined;
      for (let i = 0; i < 50 && !trace?.some((s) => s.spanId === line.span_id); i++) {
        trace = await getTrace(demo.queryUrl, line.trace_id);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(trace, `${app}: trace ${line.trace_id} of its log line is not stored`);
      const span = trace.find((s) => s.spanId === line.span_id);
      assert.ok(span, `${app}: span ${line.span_id} of its log line is not in trace ${line.trace_id}`);
      assert.equal(span.service, line.service);
    }
  });

  test('sampling at 10% over 2,500 requests stores 10% +- 2%, every stored trace complete across all hops', async (t) => {
    const agent = `sampling-probe-${randomUUID()}`;
    const total = 2500;
    let next = 0;
    let failures = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        const res = await fetch(demo.gatewayUrl + '/productpage', { headers: { 'user-agent': agent } });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      }
    };
    await Promise.all(Array.from({ length: 24 }, worker));
    assert.equal(failures, 0);
    // Let the proxies (every 1 s) and the SDKs (every 500 ms) flush, until the stored set
    // has not changed for 2.5 s: longer than either timer.
    let traces: TSpan[][] = [];
    let spanCount = -1;
    for (let i = 0, unchanged = 0; i < 60 && unchanged < 5; i++) {
      await new Promise((r) => setTimeout(r, 500));
      traces = await searchTraces(demo.queryUrl, GATEWAY, { user_agent: agent });
      const count = traces.reduce((n, t) => n + t.length, 0);
      unchanged = count === spanCount ? unchanged + 1 : 0;
      spanCount = count;
    }
    const fraction = traces.length / total;
    t.diagnostic(`stored ${traces.length} of ${total} traces (${(fraction * 100).toFixed(1)}%)`);
    assert.ok(fraction >= 0.08 && fraction <= 0.12, `stored ${traces.length} of ${total} (${(fraction * 100).toFixed(1)}%)`);
    for (const t of traces) assert.deepEqual(traceProblems(t), [], `trace ${t[0]!.traceId}`);
    // Nothing unsampled leaked into the store: every trace a sidecar recorded for this traffic is one the gateway sampled.
    const sampled = new Set(traces.map((t) => t[0]!.traceId));
    for (const svc of ['productpage.default', 'details.default', 'reviews.default', 'ratings.default']) {
      for (const t of await searchTraces(demo.queryUrl, svc, { user_agent: agent })) assert.ok(sampled.has(t[0]!.traceId), `${svc} recorded a trace the gateway did not sample`);
    }
  });

  test('Ctrl-C (SIGINT) stops the demo and every process it started', async () => {
    const before = demo.descendants();
    assert.ok(before.length >= 7, `expected Waymark and six Bookinfo processes, found ${before.length}`);
    const code = await demo.interrupt();
    assert.equal(code, 0, demo.output());
    const left = before.filter(alive);
    assert.deepEqual(left, [], 'processes left behind');
  });
});
