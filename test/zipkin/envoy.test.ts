import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getV3Trace, v3Spans } from '../support/query.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';

/**
 * Zipkin v2 JSON exactly as an Istio sidecar's Envoy sends it
 * (shared/reference/istio-envoy.md): 128-bit trace IDs, CLIENT and SERVER
 * spans with their own IDs, every tag value a string, no remoteEndpoint.
 */
let w: RunningWaymark;
const TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const now = Date.now() * 1000;

function envoySpan(o: { id: string; parentId?: string; kind: 'CLIENT' | 'SERVER'; service: string; name: string; ip: string; start: number; duration: number; status: string; cluster: string; extra?: Record<string, string> }) {
  const namespace = o.service.split('.')[1]!;
  return {
    traceId: TRACE,
    id: o.id,
    ...(o.parentId ? { parentId: o.parentId } : {}),
    kind: o.kind,
    name: o.name,
    timestamp: o.start,
    duration: o.duration,
    localEndpoint: { serviceName: o.service, ipv4: o.ip, port: 0 },
    tags: {
      component: 'proxy',
      'guid:x-request-id': '7b6c4f0e-1a2b-9c3d-8e4f-5a6b7c8d9e0f',
      'http.url': `http://${o.name.replace('/*', '')}/`,
      'http.method': 'GET',
      'http.protocol': 'HTTP/1.1',
      'http.status_code': o.status,
      response_flags: '-',
      response_size: '1683',
      request_size: '0',
      upstream_cluster: o.cluster,
      'upstream_cluster.name': o.cluster,
      downstream_cluster: '-',
      user_agent: 'curl/8.5.0',
      'peer.address': '10.244.0.12',
      node_id: `sidecar~${o.ip}~${o.service.split('.')[0]}-v1-5b6f9d.${namespace}~${namespace}.svc.cluster.local`,
      'istio.canonical_service': o.service.split('.')[0]!,
      'istio.canonical_revision': 'v1',
      'istio.mesh_id': 'cluster.local',
      'istio.namespace': namespace,
      'istio.cluster_id': 'Kubernetes',
      ...o.extra,
    },
  };
}

const batch = [
  envoySpan({ id: '64fe8b2a57d3eff7', kind: 'CLIENT', service: 'istio-ingressgateway.istio-system', name: 'productpage.default.svc.cluster.local:9080/*', ip: '10.244.0.5', start: now, duration: 24_000, status: '200', cluster: 'outbound|9080||productpage.default.svc.cluster.local' }),
  envoySpan({ id: '8e3f1c2d4b5a6978', parentId: '64fe8b2a57d3eff7', kind: 'SERVER', service: 'productpage.default', name: 'productpage.default.svc.cluster.local:9080/*', ip: '10.244.0.12', start: now + 600, duration: 22_800, status: '200', cluster: 'inbound|9080||' }),
  envoySpan({ id: '1a2b3c4d5e6f7081', parentId: '8e3f1c2d4b5a6978', kind: 'CLIENT', service: 'productpage.default', name: 'details.default.svc.cluster.local:9080/*', ip: '10.244.0.12', start: now + 2_000, duration: 3_100, status: '503', cluster: 'outbound|9080||details.default.svc.cluster.local', extra: { error: 'true', response_flags: 'UF' } }),
  envoySpan({ id: '9f8e7d6c5b4a3921', parentId: '1a2b3c4d5e6f7081', kind: 'SERVER', service: 'details.default', name: 'details.default.svc.cluster.local:9080/*', ip: '10.244.0.14', start: now + 2_300, duration: 2_500, status: '503', cluster: 'inbound|9080||', extra: { error: 'true' } }),
];

before(async () => {
  w = await startWaymark();
  const res = await fetch(`http://127.0.0.1:${w.ports.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
  assert.equal(res.status, 202);
  assert.equal(await res.text(), '');
});

after(async () => {
  await w?.stop();
});

interface JaegerTrace {
  traceID: string;
  spans: { spanID: string; operationName: string; references: { refType: string; spanID: string }[]; tags: { key: string; type: string; value: unknown }[]; processID: string }[];
  processes: Record<string, { serviceName: string }>;
}

test('Envoy spans read back with parents intact, service names and every tag as a string', async () => {
  const res = await fetch(`${w.queryUrl}/api/traces/${TRACE}`);
  assert.equal(res.status, 200);
  const t = ((await res.json()) as { data: JaegerTrace[] }).data[0]!;
  assert.equal(t.traceID, TRACE);
  assert.equal(t.spans.length, 4);
  for (const sent of batch) {
    const got = t.spans.find((s) => s.spanID === sent.id);
    assert.ok(got, `span ${sent.id} missing`);
    assert.equal(got.operationName, sent.name);
    assert.equal(t.processes[got.processID]!.serviceName, sent.localEndpoint.serviceName);
    const parent = got.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
    assert.equal(parent, sent.parentId);
    for (const [key, value] of Object.entries(sent.tags)) {
      assert.ok(
        got.tags.some((x) => x.key === key && x.type === 'string' && x.value === value),
        `span ${sent.id}: tag ${key}=${value} missing or not a string`,
      );
    }
  }
});

test('error=true on the 5xx spans is searchable by service and tag', async () => {
  const tags = encodeURIComponent(JSON.stringify({ error: 'true' }));
  const found = async (service: string) => {
    const res = await fetch(`${w.queryUrl}/api/traces?service=${encodeURIComponent(service)}&tags=${tags}&lookback=1h`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { data: JaegerTrace[] }).data.map((t) => t.traceID);
  };
  assert.deepEqual(await found('details.default'), [TRACE]);
  assert.deepEqual(await found('productpage.default'), [TRACE]);
  assert.deepEqual(await found('istio-ingressgateway.istio-system'), []);
});

test('the services list holds the mesh service names', async () => {
  const res = await fetch(`${w.queryUrl}/api/services`);
  const services = ((await res.json()) as { data: string[] }).data;
  for (const s of ['istio-ingressgateway.istio-system', 'productpage.default', 'details.default']) assert.ok(services.includes(s), s);
});

test('Envoy spans read back from api_v3 as OTLP JSON with kinds, parents, times and string attributes', async () => {
  const spans = v3Spans(await getV3Trace(w.queryUrl, TRACE));
  assert.equal(spans.length, 4);
  for (const sent of batch) {
    const got = spans.find((x) => x.spanId === sent.id);
    assert.ok(got, `span ${sent.id} missing`);
    assert.equal(got.service, sent.localEndpoint.serviceName);
    assert.equal(got.name, sent.name);
    assert.equal(got.kind, sent.kind === 'SERVER' ? 2 : 3);
    assert.equal(got.parentSpanId ?? '', sent.parentId ?? '');
    assert.equal(got.startTimeUnixNano, String(BigInt(sent.timestamp) * 1000n));
    assert.equal(BigInt(got.endTimeUnixNano) - BigInt(got.startTimeUnixNano), BigInt(sent.duration) * 1000n);
    assert.equal(got.attributes?.find((a) => a.key === 'http.status_code')?.value.stringValue, sent.tags['http.status_code']);
  }
});
