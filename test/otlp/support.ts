import assert from 'node:assert/strict';
import { context, SpanKind, SpanStatusCode, trace, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { RunningWaymark } from '../support/waymark.ts';

export interface EmittedTrace {
  traceId: string;
  rootId: string;
  childId: string;
  service: string;
}

const T0 = 1_700_000_000;
const at = (nanos: number): HrTime => [T0, nanos];
export const LINKED = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' };

/**
 * Emits a two-span trace through a real OpenTelemetry JS SDK and exporter,
 * with times chosen to the nanosecond, and waits until the exporter got its
 * answer (forceFlush), i.e. until Waymark acknowledged the spans.
 */
export async function emitTrace(exporter: SpanExporter, service: string, batch = false): Promise<EmittedTrace> {
  const processor = batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'host.name': 'test-host' }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('waymark-e2e', '1.0.0');
  const root = tracer.startSpan('GET /checkout', {
    kind: SpanKind.SERVER,
    startTime: at(123_456_789),
    attributes: { 'http.status_code': 200, ratio: 0.5, ok: true, tags: ['a', 'b'], 'http.method': 'GET' },
  });
  const child = tracer.startSpan(
    'charge',
    {
      kind: SpanKind.CLIENT,
      startTime: at(200_000_001),
      links: [{ context: { ...LINKED, traceFlags: 1 }, attributes: { 'link.kind': 'retry-of' } }],
    },
    trace.setSpan(context.active(), root),
  );
  child.addEvent('retry', { attempt: 2 }, at(250_000_002));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
  child.end(at(300_000_003));
  root.end(at(400_000_004));
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId, childId: child.spanContext().spanId, service };
}

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; type: string; value: unknown }[];
  logs: { timestamp: number; fields: { key: string; value: unknown }[] }[];
  processID: string;
}

/** Checks GET /api/traces/{id} (Jaeger JSON) against what emitTrace sent. */
export async function checkJaegerTrace(w: RunningWaymark, t: EmittedTrace): Promise<void> {
  const res = await fetch(`${w.queryUrl}/api/traces/${t.traceId}`);
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { data: { traceID: string; spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> }[] };
  assert.equal(body.data.length, 1);
  const tr = body.data[0]!;
  assert.equal(tr.traceID, t.traceId);
  const byId = new Map(tr.spans.map((s) => [s.spanID, s]));
  assert.deepEqual([...byId.keys()].sort(), [t.rootId, t.childId].sort());
  const root = byId.get(t.rootId)!;
  const child = byId.get(t.childId)!;
  assert.equal(root.operationName, 'GET /checkout');
  assert.equal(child.operationName, 'charge');
  assert.equal(root.startTime, T0 * 1_000_000 + 123_456);
  assert.equal(root.duration, 276_543); // (400_000_004 - 123_456_789) ns in whole microseconds
  assert.equal(child.startTime, T0 * 1_000_000 + 200_000);
  assert.ok(child.references.some((r) => r.refType === 'CHILD_OF' && r.spanID === t.rootId && r.traceID === t.traceId));
  assert.ok(child.references.some((r) => r.spanID === LINKED.spanId));
  const tag = (s: JaegerSpan, key: string) => s.tags.find((x) => x.key === key);
  assert.equal(tag(root, 'http.status_code')?.value, 200);
  assert.equal(tag(root, 'ratio')?.value, 0.5);
  assert.equal(tag(root, 'ok')?.value, true);
  assert.equal(tag(root, 'span.kind')?.value, 'server');
  assert.equal(tag(child, 'span.kind')?.value, 'client');
  assert.equal(tag(child, 'error')?.value, true);
  assert.equal(child.logs.length, 1);
  assert.equal(child.logs[0]!.timestamp, T0 * 1_000_000 + 250_000);
  assert.ok(child.logs[0]!.fields.some((f) => f.key === 'attempt' && f.value === 2));
  assert.equal(tr.processes[root.processID]!.serviceName, t.service);
  assert.equal(tr.processes[child.processID]!.serviceName, t.service);
}

type OtlpJsonValue = Record<string, unknown>;
interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpJsonValue }[];
  events?: { timeUnixNano: string; name: string; attributes: { key: string; value: OtlpJsonValue }[] }[];
  links?: { traceId: string; spanId: string; attributes: { key: string; value: OtlpJsonValue }[] }[];
  status: { code: number; message?: string };
}
export interface OtlpJsonTrace {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpJsonValue }[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpJsonSpan[] }[];
  }[];
}

export async function fetchV3Trace(w: RunningWaymark, traceId: string): Promise<OtlpJsonTrace> {
  const res = await fetch(`${w.queryUrl}/api/v3/traces/${traceId}`);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { result: OtlpJsonTrace }).result;
}

/** Checks GET /api/v3/traces/{id} (OTLP JSON): everything to the nanosecond. */
export async function checkV3Trace(w: RunningWaymark, t: EmittedTrace): Promise<void> {
  const result = await fetchV3Trace(w, t.traceId);
  assert.equal(result.resourceSpans.length, 1);
  const rs = result.resourceSpans[0]!;
  assert.deepEqual(rs.resource.attributes.find((a) => a.key === 'service.name')?.value, { stringValue: t.service });
  assert.deepEqual(rs.resource.attributes.find((a) => a.key === 'host.name')?.value, { stringValue: 'test-host' });
  assert.equal(rs.scopeSpans[0]!.scope.name, 'waymark-e2e');
  assert.equal(rs.scopeSpans[0]!.scope.version, '1.0.0');
  const spans = new Map(rs.scopeSpans.flatMap((s) => s.spans).map((s) => [s.spanId, s]));
  const root = spans.get(t.rootId)!;
  const child = spans.get(t.childId)!;
  assert.equal(root.traceId, t.traceId);
  assert.equal(root.parentSpanId ?? '', '');
  assert.equal(child.parentSpanId, t.rootId);
  assert.equal(root.kind, 2);
  assert.equal(child.kind, 3);
  assert.equal(root.startTimeUnixNano, '1700000000123456789');
  assert.equal(root.endTimeUnixNano, '1700000000400000004');
  assert.equal(child.startTimeUnixNano, '1700000000200000001');
  assert.equal(child.endTimeUnixNano, '1700000000300000003');
  const attr = (s: OtlpJsonSpan, key: string) => s.attributes.find((a) => a.key === key)?.value;
  assert.deepEqual(attr(root, 'http.status_code'), { intValue: '200' });
  assert.deepEqual(attr(root, 'ratio'), { doubleValue: 0.5 });
  assert.deepEqual(attr(root, 'ok'), { boolValue: true });
  assert.deepEqual(attr(root, 'tags'), { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
  assert.equal(child.events?.length, 1);
  assert.equal(child.events![0]!.name, 'retry');
  assert.equal(child.events![0]!.timeUnixNano, '1700000000250000002');
  assert.deepEqual(child.events![0]!.attributes, [{ key: 'attempt', value: { intValue: '2' } }]);
  assert.equal(child.links?.length, 1);
  assert.equal(child.links![0]!.traceId, LINKED.traceId);
  assert.equal(child.links![0]!.spanId, LINKED.spanId);
  assert.deepEqual(child.links![0]!.attributes, [{ key: 'link.kind', value: { stringValue: 'retry-of' } }]);
  assert.deepEqual(child.status, { code: 2, message: 'declined' });
}

/** The value of one counter line in the admin port's /metrics, 0 when absent. */
export async function metric(w: RunningWaymark, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${w.adminUrl}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const lbl = line.slice(name.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([k, v]) => lbl.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
