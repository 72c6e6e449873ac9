import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hexToBytes } from '../../src/model/ids.ts';
import { SpanKind, type Span } from '../../src/model/span.ts';
import { decodeExportRequest } from '../../src/protocols/otlp/index.ts';
import { API_V2_QUERY_SERVICE } from '../../src/query/grpc/v2-query-service.ts';
import { API_V3_QUERY_SERVICE } from '../../src/query/grpc/v3-query-service.ts';
import { minutesAgo, span, startQuery, type QueryUnderTest } from './support.ts';

const BIG = 'bb000000000000000000000000000001';
const SMALL = 'bb000000000000000000000000000002';
let q: QueryUnderTest;
let v2: grpc.Client & Record<string, Function>;
let v3: grpc.Client & Record<string, Function>;

before(async () => {
  const spans: Span[] = [span({ trace: BIG, span: '0000000000000100', service: 'frontend', name: 'root', durationNs: 100_000_000n, extra: { kind: SpanKind.SERVER } })];
  for (let i = 1; i <= 24; i++) {
    spans.push(span({ trace: BIG, span: (0x100 + i).toString(16).padStart(16, '0'), parent: '0000000000000100', service: 'backend', name: `step ${i}`,
      start: minutesAgo(10) + BigInt(i), attrs: [{ key: 'i', value: BigInt(i) }] }));
  }
  spans.push(span({ trace: SMALL, span: '0000000000000200', service: 'payments', name: 'charge', attrs: [{ key: 'tier', value: 'gold' }], extra: { kind: SpanKind.CLIENT } }));
  q = await startQuery(spans, { grpc: true });
  const V2Client = grpc.makeGenericClientConstructor(API_V2_QUERY_SERVICE, 'QueryService');
  // The client reads OTLP TracesData with the OTLP decoder: what a Jaeger api_v3 client gets is OTLP protobuf.
  const v3Def: Record<string, grpc.MethodDefinition<unknown, unknown>> = { ...API_V3_QUERY_SERVICE };
  for (const m of ['GetTrace', 'FindTraces']) v3Def[m] = { ...v3Def[m]!, responseDeserialize: (b: Buffer) => decodeExportRequest(b).spans };
  const V3Client = grpc.makeGenericClientConstructor(v3Def as grpc.ServiceDefinition, 'QueryService');
  const addr = `127.0.0.1:${q.grpcPort}`;
  v2 = new V2Client(addr, grpc.credentials.createInsecure()) as never;
  v3 = new V3Client(addr, grpc.credentials.createInsecure()) as never;
});
after(async () => {
  v2?.close();
  v3?.close();
  await q.stop();
});

function unary<T>(client: Record<string, Function>, method: string, req: object): Promise<T> {
  return new Promise((resolve, reject) => client[method]!(req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

function stream<T>(client: Record<string, Function>, method: string, req: object): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    const call = client[method]!(req) as grpc.ClientReadableStream<T>;
    call.on('data', (m: T) => out.push(m));
    call.on('error', reject);
    call.on('end', () => resolve(out));
  });
}

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('api_v2 GetServices and GetOperations', async () => {
  assert.deepEqual(await unary<any>(v2, 'GetServices', {}).then((r) => r.services), ['backend', 'frontend', 'payments']);
  const ops = await unary<any>(v2, 'GetOperations', { service: 'frontend', spanKind: 'server' });
  assert.deepEqual(ops.operationNames, ['root']);
  assert.deepEqual(ops.operations.map((o: any) => [o.name, o.spanKind]), [['root', 'server']]);
});

test('api_v2 GetTrace streams the trace in chunks of 10 spans, with processes and typed tags', async () => {
  const chunks = await stream<any>(v2, 'GetTrace', { traceId: hexToBytes(BIG) });
  assert.deepEqual(chunks.map((c) => c.spans.length), [10, 10, 5]);
  const spans = chunks.flatMap((c) => c.spans);
  assert.equal(hex(spans[0].traceId), BIG);
  assert.equal(spans[0].operationName, 'root', 'adjusted: sorted by start time');
  assert.equal(spans[0].process.serviceName, 'frontend');
  assert.ok(spans[0].tags.some((t: any) => t.key === 'span.kind' && t.vStr === 'server'));
  const step = spans.find((s: any) => s.operationName === 'step 3');
  assert.equal(Number(step.tags.find((t: any) => t.key === 'i').vInt64), 3);
  assert.equal(hex(step.references[0].spanId), '0000000000000100');
});

test('api_v2 GetTrace: unknown is NOT_FOUND, empty ID is INVALID_ARGUMENT', async () => {
  await assert.rejects(stream(v2, 'GetTrace', { traceId: hexToBytes('bb0000000000000000000000000000ff') }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND && /trace not found/.test(e.details));
  await assert.rejects(stream(v2, 'GetTrace', {}), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT);
});

test('api_v2 FindTraces: service and tags, one span meeting both', async () => {
  const query = { serviceName: 'payments', tags: { tier: 'gold' }, startTimeMin: ts(Date.now() - 3_600_000), startTimeMax: ts(Date.now()) };
  const chunks = await stream<any>(v2, 'FindTraces', { query });
  assert.deepEqual([...new Set(chunks.flatMap((c) => c.spans.map((s: any) => hex(s.traceId))))], [SMALL]);
  const none = await stream<any>(v2, 'FindTraces', { query: { ...query, tags: { tier: 'silver' } } });
  assert.deepEqual(none, []);
  await assert.rejects(stream(v2, 'FindTraces', {}), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /missing query/.test(e.details));
});

test('api_v2 GetDependencies and ArchiveTrace', async () => {
  const deps = await unary<any>(v2, 'GetDependencies', { startTime: ts(Date.now() - 3_600_000), endTime: ts(Date.now()) });
  assert.deepEqual(deps.dependencies.map((d: any) => [d.parent, d.child, Number(d.callCount)]), [['frontend', 'backend', 24]]);
  await assert.rejects(unary(v2, 'ArchiveTrace', { traceId: hexToBytes(BIG) }), (e: grpc.ServiceError) => e.code === grpc.status.INTERNAL && /archive span storage was not configured/.test(e.details));
});

test('api_v3 GetTrace returns OTLP TracesData', async () => {
  const msgs = await stream<Span[]>(v3, 'GetTrace', { traceId: BIG });
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0]!.length, 25);
  assert.ok(msgs[0]!.every((s) => s.traceId === BIG));
  assert.equal(msgs[0]!.find((s) => s.name === 'step 7')!.attributes[0]!.value, 7n);
  await assert.rejects(stream(v3, 'GetTrace', { traceId: 'bb0000000000000000000000000000ff' }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
  await assert.rejects(stream(v3, 'GetTrace', { traceId: 'zz' }), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT);
});

test('api_v3 FindTraces needs a window, matches attributes, refuses a structured filter', async () => {
  const window = { startTimeMin: ts(Date.now() - 3_600_000), startTimeMax: ts(Date.now()) };
  const found = await stream<Span[]>(v3, 'FindTraces', { query: { ...window, attributes: { tier: 'gold' } } });
  assert.deepEqual(found.map((t) => t[0]!.traceId), [SMALL]);
  const both = await stream<Span[]>(v3, 'FindTraces', { query: { ...window, searchDepth: 10 } });
  assert.deepEqual(both.map((t) => t[0]!.traceId).sort(), [BIG, SMALL]);
  await assert.rejects(stream(v3, 'FindTraces', { query: { serviceName: 'payments' } }), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /start_time_min/.test(e.details));
  await assert.rejects(stream(v3, 'FindTraces', { query: { ...window, filter: Buffer.from([10, 0]) } }), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /filter/.test(e.details));
});

// Jaeger's gogo-generated Go clients cannot leave a Timestamp or Duration out: unset ones go on
// the wire as Go's zero time (0001-01-01T00:00:00Z) and an empty Duration. Both mean "unset".
const GO_ZERO_TIME = { seconds: -62_135_596_800, nanos: 0 };
const ZERO_DURATION = {};

test('api_v3 reads zero durations and zero times as unset, as Jaeger does', async () => {
  const window = { startTimeMin: ts(Date.now() - 3_600_000), startTimeMax: ts(Date.now()) };
  const found = await stream<Span[]>(v3, 'FindTraces', { query: { serviceName: 'payments', ...window, durationMin: ZERO_DURATION, durationMax: ZERO_DURATION } });
  assert.deepEqual(found.map((t) => t[0]!.traceId), [SMALL]);
  const msgs = await stream<Span[]>(v3, 'GetTrace', { traceId: BIG, startTime: GO_ZERO_TIME, endTime: GO_ZERO_TIME });
  assert.equal(msgs.flat().length, 25);
  // A search's window is required: left at zero, it is refused.
  for (const query of [{ ...window, startTimeMin: GO_ZERO_TIME }, { ...window, startTimeMax: GO_ZERO_TIME }]) {
    const field = query.startTimeMin === GO_ZERO_TIME ? 'start_time_min' : 'start_time_max';
    await assert.rejects(stream(v3, 'FindTraces', { query: { serviceName: 'payments', ...query } }), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && e.details.includes(`query.${field}: is required`));
  }
  await assert.rejects(unary(v3, 'GetDependencies', { startTime: GO_ZERO_TIME, endTime: ts(Date.now()) }), (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT && /start_time: is required/.test(e.details));
});

test('api_v2 reads zero durations and zero times as unset: its default window, the whole trace', async () => {
  const zero = { startTimeMin: GO_ZERO_TIME, startTimeMax: GO_ZERO_TIME, durationMin: ZERO_DURATION, durationMax: ZERO_DURATION };
  const chunks = await stream<any>(v2, 'FindTraces', { query: { serviceName: 'payments', ...zero } });
  assert.deepEqual([...new Set(chunks.flatMap((c) => c.spans.map((s: any) => hex(s.traceId))))], [SMALL]);
  const trace = await stream<any>(v2, 'GetTrace', { traceId: hexToBytes(BIG), startTime: GO_ZERO_TIME, endTime: GO_ZERO_TIME });
  assert.equal(trace.flatMap((c) => c.spans).length, 25);
  const deps = await unary<any>(v2, 'GetDependencies', { startTime: GO_ZERO_TIME, endTime: GO_ZERO_TIME });
  assert.deepEqual(deps.dependencies.map((d: any) => [d.parent, d.child]), [['frontend', 'backend']]);
});

test('api_v3 GetServices, GetOperations, GetDependencies, FindTraceSummaries', async () => {
  assert.deepEqual((await unary<any>(v3, 'GetServices', {})).services, ['backend', 'frontend', 'payments']);
  assert.deepEqual((await unary<any>(v3, 'GetOperations', { service: 'payments' })).operations.map((o: any) => [o.name, o.spanKind]), [['charge', 'client']]);
  const deps = await unary<any>(v3, 'GetDependencies', { startTime: ts(Date.now() - 3_600_000), endTime: ts(Date.now()) });
  assert.deepEqual(deps.dependencies.map((d: any) => [d.parent, d.child, Number(d.callCount)]), [['frontend', 'backend', 24]]);
  const chunks = await stream<any>(v3, 'FindTraceSummaries', { query: { serviceName: 'frontend', startTimeMin: ts(Date.now() - 3_600_000), startTimeMax: ts(Date.now()) } });
  const [s] = chunks.flatMap((c) => c.summaries);
  assert.equal(s.traceId, BIG);
  assert.equal(s.rootServiceName, 'frontend');
  assert.equal(s.spanCount, 25);
  assert.deepEqual(s.services.map((x: any) => [x.name, x.spanCount]), [['backend', 24], ['frontend', 1]]);
});

test('gRPC calls are timed with api="grpc"', async () => {
  const text = await q.telemetry.metrics.registry.metrics();
  assert.match(text, /waymark_query_duration_seconds_count\{api="grpc",endpoint="\/jaeger.api_v2.QueryService\/GetServices"\} [1-9]/);
  assert.match(text, /waymark_query_duration_seconds_count\{api="grpc",endpoint="\/jaeger.api_v3.QueryService\/FindTraces"\} [1-9]/);
});
