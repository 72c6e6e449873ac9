import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { closeTracer, hexId, startTracer, type OtTracer } from './support/jaeger-client.ts';
import { getV3Trace, tag, v3Spans, waitForTrace } from '../support/query.ts';

let w: RunningWaymark;
before(async () => {
  w = await startWaymark();
});
after(async () => {
  await w?.stop();
});

/** A server span with a client child, tags of each type jaeger-client sends, an error and a log. */
async function reportTrace(tracer: OtTracer): Promise<{ traceId: string; rootId: string; childId: string; start: number }> {
  const start = Date.now() - 1000;
  const root = tracer.startSpan('GET /orders', { startTime: start, tags: { 'span.kind': 'server', 'http.status_code': 200, ratio: 0.5, cached: false, note: 'hello' } });
  const child = tracer.startSpan('SELECT orders', { childOf: root, startTime: start + 10, tags: { 'span.kind': 'client' } });
  child.setTag('error', true);
  child.log({ event: 'retry', attempt: 'second' }, start + 15);
  child.finish(start + 30);
  root.finish(start + 100);
  await closeTracer(tracer);
  return { traceId: hexId(root.context().traceId), rootId: hexId(root.context().spanId), childId: hexId(child.context().spanId), start };
}

async function checkTrace(ids: Awaited<ReturnType<typeof reportTrace>>, service: string): Promise<void> {
  const trace = await waitForTrace(w.queryUrl, ids.traceId, 2);
  assert.equal(trace.traceID, ids.traceId);
  const root = trace.spans.find((s) => s.spanID === ids.rootId)!;
  const child = trace.spans.find((s) => s.spanID === ids.childId)!;
  assert.ok(root && child, 'both spans came back with their IDs');
  assert.equal(trace.processes[root.processID]!.serviceName, service);
  assert.deepEqual(tag(trace.processes[root.processID]!.tags, 'client.tag'), { type: 'string', value: 'yes' });
  assert.equal(root.operationName, 'GET /orders');
  assert.deepEqual(root.references, []);
  assert.deepEqual(child.references, [{ refType: 'CHILD_OF', traceID: ids.traceId, spanID: ids.rootId }]);
  assert.equal(root.startTime, ids.start * 1000);
  assert.equal(root.duration, 100_000);
  assert.equal(child.startTime, (ids.start + 10) * 1000);
  assert.equal(child.duration, 20_000);
  assert.deepEqual(tag(root.tags, 'span.kind'), { type: 'string', value: 'server' });
  assert.deepEqual(tag(child.tags, 'span.kind'), { type: 'string', value: 'client' });
  // jaeger-client sends every JS number as a double.
  assert.deepEqual(tag(root.tags, 'http.status_code'), { type: 'float64', value: 200 });
  assert.deepEqual(tag(root.tags, 'ratio'), { type: 'float64', value: 0.5 });
  assert.deepEqual(tag(root.tags, 'cached'), { type: 'bool', value: false });
  assert.deepEqual(tag(root.tags, 'note'), { type: 'string', value: 'hello' });
  assert.deepEqual(tag(child.tags, 'error'), { type: 'bool', value: true });
  assert.deepEqual(child.logs, [
    { timestamp: (ids.start + 15) * 1000, fields: [{ key: 'event', type: 'string', value: 'retry' }, { key: 'attempt', type: 'string', value: 'second' }] },
  ]);

  const v3 = v3Spans(await getV3Trace(w.queryUrl, ids.traceId));
  const v3Root = v3.find((s) => s.spanId === ids.rootId)!;
  const v3Child = v3.find((s) => s.spanId === ids.childId)!;
  assert.equal(v3Root.traceId, ids.traceId.padStart(32, '0'));
  assert.equal(v3Root.service, service);
  assert.equal(v3Root.kind, 2);
  assert.equal(v3Child.kind, 3);
  assert.equal(v3Child.parentSpanId, ids.rootId);
  assert.equal(v3Child.status?.code, 2);
  assert.equal(v3Root.startTimeUnixNano, String(BigInt(ids.start) * 1_000_000n));
  assert.equal(v3Root.endTimeUnixNano, String(BigInt(ids.start + 100) * 1_000_000n));
  assert.equal(v3Child.events?.[0]?.name, 'retry');
}

test('jaeger-client over UDP (binary Thrift, agent port) comes back from both query APIs', async () => {
  const tracer = startTracer('orders-udp', { agentPort: w.ports.jaegerBinary });
  await checkTrace(await reportTrace(tracer), 'orders-udp');
});

test('jaeger-client over HTTP (Thrift to /api/traces) comes back from both query APIs', async () => {
  const tracer = startTracer('orders-http', { collectorEndpoint: `http://127.0.0.1:${w.ports.jaegerHttp}/api/traces` });
  await checkTrace(await reportTrace(tracer), 'orders-http');
});

test('jaeger-client with 128-bit trace IDs keeps all 32 hex characters', async () => {
  const tracer = startTracer('orders-128', { agentPort: w.ports.jaegerBinary }, true);
  const ids = await reportTrace(tracer);
  assert.equal(ids.traceId.length, 32);
  await checkTrace(ids, 'orders-128');
});
