import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { getV3Trace, v3Spans } from '../support/query.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';

/**
 * Spans from the real OpenTelemetry JS Zipkin exporter come back from both
 * query APIs with the same IDs, parents, names, kinds, microsecond times,
 * attributes (as strings: the exporter stringifies them), events and service.
 */
let w: RunningWaymark;
let sent: ReadableSpan[];

before(async () => {
  w = await startWaymark();
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'zipkin-e2e', 'deployment.environment': 'test' }),
    spanProcessors: [
      new SimpleSpanProcessor(new ZipkinExporter({ url: `http://127.0.0.1:${w.ports.zipkin}/api/v2/spans` })),
      new SimpleSpanProcessor(memory),
    ],
  });
  const tracer = provider.getTracer('e2e');
  const root = tracer.startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.status_code': 200, retry: true, ratio: 0.25 } });
  root.addEvent('cache miss');
  const ctx = trace.setSpan(context.active(), root);
  const call = tracer.startSpan('charge card', { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'payments' } }, ctx);
  call.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  call.end();
  const local = tracer.startSpan('render', { kind: SpanKind.INTERNAL }, ctx);
  local.end();
  root.end();
  await provider.forceFlush();
  // Read before shutdown, which clears the in-memory exporter.
  sent = [...memory.getFinishedSpans()];
  await provider.shutdown();
  assert.equal(sent.length, 3);
});

after(async () => {
  await w?.stop();
});

const micros = (hr: [number, number]) => Math.floor(hr[0] * 1e6 + hr[1] / 1e3);
const durationMicros = (hr: [number, number]) => Math.round(hr[0] * 1e6 + hr[1] / 1e3);
const byName = (name: string) => sent.find((s) => s.name === name)!;

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; type: string; value: unknown }[];
  logs: { timestamp: number; fields: { key: string; value: unknown }[] }[];
  processID: string;
}

test('GET /api/traces/{id} returns the exporter spans with IDs, parents, times, tags, logs and service', async () => {
  const traceId = sent[0]!.spanContext().traceId;
  const res = await fetch(`${w.queryUrl}/api/traces/${traceId}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { data: { traceID: string; spans: JaegerSpan[]; processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }> }[] };
  const t = body.data[0]!;
  assert.equal(t.traceID, traceId);
  assert.equal(t.spans.length, 3);
  for (const s of sent) {
    const got = t.spans.find((x) => x.spanID === s.spanContext().spanId);
    assert.ok(got, `span ${s.name} missing`);
    assert.equal(got.operationName, s.name);
    assert.equal(got.startTime, micros(s.startTime));
    assert.equal(got.duration, durationMicros(s.duration));
    const parent = s.parentSpanContext?.spanId;
    assert.deepEqual(got.references.filter((r) => r.refType === 'CHILD_OF').map((r) => r.spanID), parent ? [parent] : []);
    assert.equal(t.processes[got.processID]!.serviceName, 'zipkin-e2e');
    assert.ok(t.processes[got.processID]!.tags.some((x) => x.key === 'deployment.environment' && x.value === 'test'));
  }
  const root = t.spans.find((x) => x.spanID === byName('GET /checkout').spanContext().spanId)!;
  const tag = (s: JaegerSpan, key: string) => s.tags.find((x) => x.key === key);
  assert.deepEqual(tag(root, 'http.status_code'), { key: 'http.status_code', type: 'string', value: '200' });
  assert.deepEqual(tag(root, 'retry'), { key: 'retry', type: 'string', value: 'true' });
  assert.deepEqual(tag(root, 'ratio'), { key: 'ratio', type: 'string', value: '0.25' });
  assert.equal(tag(root, 'span.kind')?.value, 'server');
  const event = byName('GET /checkout').events[0]!;
  assert.deepEqual(root.logs.map((l) => [l.timestamp, l.fields.find((f) => f.key === 'event')?.value]), [[durationMicros(event.time), 'cache miss']]);
  const call = t.spans.find((x) => x.operationName === 'charge card')!;
  assert.equal(tag(call, 'span.kind')?.value, 'client');
  assert.equal(tag(call, 'peer.service')?.value, 'payments');
  // The exporter sends the status message as the `error` tag, which is kept as sent.
  assert.ok(call.tags.some((x) => x.key === 'error' && x.value === 'card declined'));
  // The exporter sends INTERNAL without a Zipkin kind: it comes back unspecified.
  assert.equal(tag(t.spans.find((x) => x.operationName === 'render')!, 'span.kind'), undefined);
});

test('GET /api/v3/traces/{id} returns the same spans as OTLP JSON, with kinds and status', async () => {
  const traceId = sent[0]!.spanContext().traceId;
  const result = await getV3Trace(w.queryUrl, traceId);
  const resourceSpans = result.resourceSpans;
  const spans = v3Spans(result);
  assert.equal(spans.length, 3);
  for (const r of resourceSpans) {
    assert.ok(r.resource.attributes.some((a) => a.key === 'service.name' && a.value.stringValue === 'zipkin-e2e'));
  }
  const kinds = { 'GET /checkout': 2, 'charge card': 3, render: 0 } as Record<string, number>;
  for (const s of sent) {
    const got = spans.find((x) => x.spanId === s.spanContext().spanId)!;
    assert.ok(got, `span ${s.name} missing`);
    assert.equal(got.traceId, traceId);
    assert.equal(got.parentSpanId ?? '', s.parentSpanContext?.spanId ?? '');
    assert.equal(got.name, s.name);
    assert.equal(got.kind ?? 0, kinds[s.name]);
    const start = BigInt(micros(s.startTime)) * 1000n;
    assert.equal(got.startTimeUnixNano, start.toString());
    assert.equal(got.endTimeUnixNano, (start + BigInt(durationMicros(s.duration)) * 1000n).toString());
  }
  const root = spans.find((x) => x.name === 'GET /checkout')!;
  assert.deepEqual(root.events?.map((e) => e.name), ['cache miss']);
  assert.ok(root.attributes?.some((a) => a.key === 'http.method' && a.value.stringValue === 'GET'));
  const call = spans.find((x) => x.name === 'charge card')!;
  assert.equal(call.status?.code, 2);
  assert.equal(call.status?.message, 'card declined');
});
