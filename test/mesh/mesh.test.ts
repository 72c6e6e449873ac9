import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { normalizeMeshConfig, type MeshConfig } from '../../src/mesh/config.ts';
import { Mesh } from '../../src/mesh/mesh.ts';

interface ZSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind: string;
  localEndpoint: { serviceName: string };
  tags: Record<string, string>;
}

/** A collector that answers 202 like Waymark's Zipkin receiver, keeping what it got. */
async function fakeCollector(status = 202): Promise<{ url: string; spans: ZSpan[]; bodies: unknown[]; close(): Promise<void> }> {
  const spans: ZSpan[] = [];
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => {
      const body = JSON.parse(s) as unknown;
      bodies.push(body);
      if (Array.isArray(body)) spans.push(...(body as ZSpan[]));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

/** A stand-in application: answers with its version and the headers it received; /flaky fails once per key, /slow takes 400 ms. */
async function stubApp(version: string): Promise<{ port: number; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const flaky = new Set<string>();
  const server = http.createServer(async (req, res) => {
    seen.push(req.headers);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/flaky' && !flaky.has(url.search)) {
      flaky.add(url.search);
      res.writeHead(503).end('try again');
      return;
    }
    if (url.pathname === '/slow') await new Promise((r) => setTimeout(r, 400));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version, headers: req.headers }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

/** node:http, because fetch will not send a Host header of our choosing. */
function httpGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

function meshConfig(collector: string, apps: Record<string, number>, extra: Partial<MeshConfig> = {}): MeshConfig {
  return normalizeMeshConfig({
    tracing: { endpoint: `${collector}/api/v2/spans`, randomSamplingPercentage: 100, flushIntervalMs: 50, maxBatchSpans: 100 },
    gateway: { port: 0, http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'front' } }] }] },
    services: [
      { name: 'front', instances: [{ version: 'v1', appPort: apps.front }] },
      { name: 'back', instances: [{ version: 'v1', appPort: apps.backV1 }, { version: 'v2', appPort: apps.backV2 }] },
    ],
    virtualServices: [
      {
        host: 'back',
        http: [
          { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'back', subset: 'v2' } }] },
          { match: [{ headers: { 'end-user': { exact: 'abort' } } }], fault: { abort: { httpStatus: 503, percentage: { value: 100 } } }, route: [{ destination: { host: 'back', subset: 'v1' } }] },
          { match: [{ headers: { 'end-user': { exact: 'delay' } } }], fault: { delay: { fixedDelay: '300ms' } }, route: [{ destination: { host: 'back', subset: 'v1' } }] },
          { match: [{ uri: { exact: '/slow' } }], timeout: '100ms', retries: { attempts: 0 }, route: [{ destination: { host: 'back', subset: 'v1' } }] },
          { match: [{ uri: { exact: '/flaky' } }], retries: { attempts: 2, retryOn: '5xx' }, route: [{ destination: { host: 'back', subset: 'v1' } }] },
          { route: [{ destination: { host: 'back', subset: 'v1' }, weight: 80 }, { destination: { host: 'back', subset: 'v2' }, weight: 20 }] },
        ],
      },
    ],
    ...extra,
  });
}

describe('local mesh: sidecars and gateway', () => {
  let collector: Awaited<ReturnType<typeof fakeCollector>>;
  let front: Awaited<ReturnType<typeof stubApp>>;
  let backV1: Awaited<ReturnType<typeof stubApp>>;
  let backV2: Awaited<ReturnType<typeof stubApp>>;
  let mesh: Mesh;
  const frontOutbound = () => mesh.config.services[0]!.instances[0]!.outboundPort;
  const gateway = () => `http://127.0.0.1:${mesh.config.gateway.port}`;

  /** As the front app would: a call to http://back:9080 through its outbound sidecar. */
  const callBack = (path: string, headers: Record<string, string> = {}) => httpGet(frontOutbound(), path, { ...headers, host: 'back:9080' });
  const spansOf = async (requestId: string, count: number) => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = collector.spans.filter((s) => s.tags['guid:x-request-id'] === requestId);
      if (found.length >= count || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  before(async () => {
    collector = await fakeCollector();
    [front, backV1, backV2] = await Promise.all([stubApp('front'), stubApp('v1'), stubApp('v2')]);
    mesh = new Mesh(meshConfig(collector.url, { front: front.port, backV1: backV1.port, backV2: backV2.port }));
    await mesh.start();
  });
  after(async () => {
    await mesh?.shutdown();
    await Promise.all([collector?.close(), front?.close(), backV1?.close(), backV2?.close()]);
  });

  test('the gateway starts a trace: SERVER + router CLIENT, the sidecar SERVER under it, B3 and W3C to the app, x-request-id marked sampled', async () => {
    const res = await fetch(`${gateway()}/hello`);
    assert.equal(res.status, 200);
    const got = (await res.json()) as { headers: Record<string, string> };
    const rid = got.headers['x-request-id']!;
    assert.match(rid, /^[0-9a-f]{8}-[0-9a-f]{4}-9[0-9a-f]{3}-/, 'index 14 records the sampling decision');
    const spans = await spansOf(rid, 3);
    assert.equal(spans.length, 3);
    const gwServer = spans.find((s) => s.localEndpoint.serviceName === 'istio-ingressgateway.istio-system' && s.kind === 'SERVER')!;
    const gwClient = spans.find((s) => s.localEndpoint.serviceName === 'istio-ingressgateway.istio-system' && s.kind === 'CLIENT')!;
    const sidecar = spans.find((s) => s.localEndpoint.serviceName === 'front.default')!;
    assert.equal(gwServer.parentId, undefined);
    assert.equal(gwClient.parentId, gwServer.id);
    assert.equal(gwClient.name, 'router outbound|9080||front.default.svc.cluster.local egress');
    assert.equal(sidecar.kind, 'SERVER');
    assert.equal(sidecar.parentId, gwClient.id);
    assert.equal(sidecar.name, 'front.default.svc.cluster.local:9080/*');
    assert.equal(sidecar.traceId.length, 32);
    // What the app receives names the sidecar's SERVER span as its parent, in both formats.
    assert.equal(got.headers['x-b3-traceid'], sidecar.traceId);
    assert.equal(got.headers['x-b3-spanid'], sidecar.id);
    assert.equal(got.headers['x-b3-parentspanid'], gwClient.id);
    assert.equal(got.headers['x-b3-sampled'], '1');
    assert.equal(got.headers.traceparent, `00-${sidecar.traceId}-${sidecar.id}-01`);
    for (const [k, v] of Object.entries({ component: 'proxy', 'http.method': 'GET', 'http.status_code': '200', response_flags: '-', 'istio.canonical_service': 'front', 'istio.namespace': 'default', 'istio.mesh_id': 'cluster.local', upstream_cluster: 'inbound|9080||', 'http.protocol': 'HTTP/1.1' })) {
      assert.equal(sidecar.tags[k], v, k);
    }
    assert.equal(sidecar.tags.error, undefined);
  });

  test('an upstream decision stands: x-b3-sampled, b3 single header and traceparent flags beat the percentage', async () => {
    const rid = (n: string) => `decision-${n}-${Date.now()}`;
    await fetch(`${gateway()}/a`, { headers: { 'x-request-id': rid('b3-0'), 'x-b3-sampled': '0' } });
    await fetch(`${gateway()}/a`, { headers: { 'x-request-id': rid('tp-0'), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' } });
    const kept = rid('single');
    const r = await fetch(`${gateway()}/a`, { headers: { 'x-request-id': kept, b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' } });
    await r.arrayBuffer();
    mesh.flush();
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(collector.spans.filter((s) => s.tags['guid:x-request-id']?.startsWith('decision-b3-0')).length, 0);
    assert.equal(collector.spans.filter((s) => s.tags['guid:x-request-id']?.startsWith('decision-tp-0')).length, 0);
    const spans = await spansOf(kept, 3);
    const root = spans.find((s) => s.kind === 'SERVER' && s.localEndpoint.serviceName.startsWith('istio'))!;
    assert.equal(root.traceId, '80f198ee56343ba864fe8b2a57d3eff7');
    assert.equal(root.parentId, 'e457b5a2e4d86bd1');
  });

  test('header match routes jason to v2; the rest follows the 80/20 weights', async () => {
    for (let i = 0; i < 10; i++) assert.equal(JSON.parse((await callBack('/', { 'end-user': 'jason' })).text).version, 'v2');
    let v2 = 0;
    for (let i = 0; i < 200; i++) if (JSON.parse((await callBack('/')).text).version === 'v2') v2++;
    assert.ok(v2 > 20 && v2 < 70, `v2 got ${v2} of 200`);
  });

  test('fault abort: the caller sidecar answers itself, CLIENT span with FI, 503 and error=true; the callee sees nothing', async () => {
    const before = backV1.seen.length;
    const rid = `abort-${Date.now()}`;
    const r = await callBack('/x', { 'end-user': 'abort', 'x-request-id': rid, 'x-b3-sampled': '1' });
    assert.equal(r.status, 503);
    assert.equal(r.text, 'fault filter abort');
    assert.equal(backV1.seen.length, before);
    const [span] = await spansOf(rid, 1);
    assert.equal(span!.kind, 'CLIENT');
    assert.equal(span!.localEndpoint.serviceName, 'front.default');
    assert.equal(span!.name, 'back.default.svc.cluster.local:9080/*');
    assert.equal(span!.tags.response_flags, 'FI');
    assert.equal(span!.tags['http.status_code'], '503');
    assert.equal(span!.tags.error, 'true');
    assert.equal(span!.tags.upstream_cluster, 'outbound|9080|v1|back.default.svc.cluster.local');
  });

  test('fault delay holds the request; the span says DI', async () => {
    const rid = `delay-${Date.now()}`;
    const t0 = Date.now();
    const r = await callBack('/x', { 'end-user': 'delay', 'x-request-id': rid, 'x-b3-sampled': '1' });
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 290);
    const spans = await spansOf(rid, 2);
    const client = spans.find((s) => s.kind === 'CLIENT')!;
    assert.equal(client.tags.response_flags, 'DI');
    assert.ok(spans.find((s) => s.kind === 'SERVER')!.parentId === client.id);
  });

  test('route timeout: 504 with UT; retries: a 503 is retried and the request succeeds', async () => {
    const rid = `timeout-${Date.now()}`;
    const t = await callBack('/slow', { 'x-request-id': rid, 'x-b3-sampled': '1' });
    assert.equal(t.status, 504);
    assert.equal(t.text, 'upstream request timeout');
    const [span] = (await spansOf(rid, 1)).filter((s) => s.kind === 'CLIENT');
    assert.equal(span!.tags.response_flags, 'UT');
    assert.equal(span!.tags.error, 'true');
    const key = `?k=${Date.now()}`;
    const before = backV1.seen.length;
    const ok = await callBack(`/flaky${key}`);
    assert.equal(ok.status, 200);
    assert.equal(backV1.seen.length - before, 2, 'one failed try and one retry');
  });

  test('a service with no instance listening: 503 with UF after the default retries', async () => {
    const cfg = meshConfig(collector.url, { front: front.port, backV1: 1, backV2: 1 });
    const m = new Mesh(cfg);
    await m.start();
    try {
      // Point back v1's sidecar at a closed port: its inbound answers 503 UF, the caller's retries end in 503.
      const res = await httpGet(cfg.services[0]!.instances[0]!.outboundPort, '/', { host: 'back:9080', 'end-user': 'jason' });
      assert.equal(res.status, 503);
      assert.match(res.text, /connection failure/);
    } finally {
      await m.shutdown();
    }
  });

  test('an unknown host gets 404 NR from the outbound sidecar', async () => {
    const res = await httpGet(frontOutbound(), '/', { host: 'nowhere:9080' });
    assert.equal(res.status, 404);
  });
});

describe('local mesh: OTLP provider', () => {
  test('spans go out as OTLP/HTTP JSON with Envoy resource attributes', async () => {
    const collector = await fakeCollector(200);
    const app = await stubApp('v1');
    const cfg = meshConfig(collector.url, { front: app.port, backV1: app.port, backV2: app.port });
    cfg.tracing.provider = 'otlp';
    cfg.tracing.endpoint = `${collector.url}/v1/traces`;
    const mesh = new Mesh(cfg);
    await mesh.start();
    try {
      await (await fetch(`http://127.0.0.1:${cfg.gateway.port}/`)).arrayBuffer();
      await mesh.shutdown();
      const resources = collector.bodies.flatMap((b) => (b as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeSpans: { spans: { kind: number; traceId: string }[] }[] }[] }).resourceSpans);
      const services = resources.map((r) => Object.fromEntries(r.resource.attributes.map((a) => [a.key, a.value.stringValue])));
      assert.ok(services.some((s) => s['service.name'] === 'front.default' && s['telemetry.sdk.name'] === 'envoy'));
      assert.ok(services.some((s) => s['service.name'] === 'istio-ingressgateway.istio-system'));
      const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      assert.equal(spans.length, 3);
      assert.equal(new Set(spans.map((s) => s.traceId)).size, 1);
      assert.deepEqual(spans.map((s) => s.kind).sort(), [2, 2, 3]);
      assert.equal(mesh.stats.dropped, 0);
    } finally {
      await mesh.shutdown();
      await collector.close();
      await app.close();
    }
  });
});
