import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind, StatusCode } from '../../src/model/span.ts';
import { getJson, minutesAgo, span, startQuery, type QueryUnderTest } from './support.ts';

const T128 = '0af7651916cd43dd8448eb211c80319c';
const T64 = '00000000000000004bf92f3577b34da6';
const start = minutesAgo(5);
let q: QueryUnderTest;

before(async () => {
  q = await startQuery([
    span({
      trace: T128,
      span: '00f067aa0ba902b7',
      service: 'frontend',
      name: 'GET /',
      start,
      durationNs: 2_500_000n,
      attrs: [
        { key: 'big', value: 9223372036854775807n },
        { key: 'small', value: 42n },
        { key: 'bytes', value: new Uint8Array([1, 2, 3]) },
        { key: 'ratio', value: 0.5 },
        { key: 'ok', value: true },
      ],
      resourceAttrs: [{ key: 'host.name', value: 'web-1' }],
      extra: {
        kind: SpanKind.SERVER,
        status: { code: StatusCode.ERROR, message: 'boom' },
        events: [{ timeUnixNano: start + 1000n, name: 'exception', attributes: [{ key: 'exception.type', value: 'E' }], droppedAttributesCount: 0 }],
        flags: 1,
        scope: { name: 'lib', version: '1.2', attributes: [], droppedAttributesCount: 0 },
      },
    }),
    span({ trace: T128, span: '00f067aa0ba902b8', parent: '00f067aa0ba902b7', service: 'backend', start: start + 1000n }),
    span({ trace: T64, span: '1111111111111111', service: 'frontend' }),
  ]);
});
after(() => q.stop());

test('GET /api/traces/{id} answers the envelope with one trace in Jaeger JSON', async () => {
  const { status, body } = await getJson(`${q.url}/api/traces/${T128}`);
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(body), ['data', 'total', 'limit', 'offset', 'errors']);
  assert.equal(body.errors, null);
  assert.equal(body.data.length, 1);
  const t = body.data[0];
  assert.equal(t.traceID, T128);
  assert.equal(t.warnings, null);
  assert.deepEqual(t.processes, {
    p1: { serviceName: 'frontend', tags: [{ key: 'host.name', type: 'string', value: 'web-1' }] },
    p2: { serviceName: 'backend', tags: [] },
  });
  const [root, child] = t.spans;
  assert.deepEqual(root, {
    traceID: T128,
    spanID: '00f067aa0ba902b7',
    flags: 1,
    operationName: 'GET /',
    references: [],
    startTime: Number(start / 1000n),
    duration: 2500,
    tags: [
      { key: 'big', type: 'int64', value: '9223372036854775807' },
      { key: 'small', type: 'int64', value: 42 },
      { key: 'bytes', type: 'binary', value: 'AQID' },
      { key: 'ratio', type: 'float64', value: 0.5 },
      { key: 'ok', type: 'bool', value: true },
      { key: 'otel.scope.name', type: 'string', value: 'lib' },
      { key: 'otel.scope.version', type: 'string', value: '1.2' },
      { key: 'span.kind', type: 'string', value: 'server' },
      { key: 'otel.status_code', type: 'string', value: 'ERROR' },
      { key: 'error', type: 'bool', value: true },
      { key: 'otel.status_description', type: 'string', value: 'boom' },
    ],
    logs: [{ timestamp: Number((start + 1000n) / 1000n), fields: [{ key: 'event', type: 'string', value: 'exception' }, { key: 'exception.type', type: 'string', value: 'E' }] }],
    processID: 'p1',
    warnings: null,
  });
  assert.deepEqual(child.references, [{ refType: 'CHILD_OF', traceID: T128, spanID: '00f067aa0ba902b7' }]);
  assert.equal(child.processID, 'p2');
  assert.equal('flags' in child, false, 'flags 0 is omitted as Go omitempty does');
});

test('a 64-bit trace ID is printed as 16 hex and found by 16 or 32 hex', async () => {
  for (const id of [T64.slice(16), T64]) {
    const { status, body } = await getJson(`${q.url}/api/traces/${id}`);
    assert.equal(status, 200);
    assert.equal(body.data[0].traceID, '4bf92f3577b34da6');
    assert.equal(body.data[0].spans[0].traceID, '4bf92f3577b34da6');
  }
});

test('an unknown trace is 404 with the envelope naming the trace', async () => {
  const { status, body } = await getJson(`${q.url}/api/traces/0000000000000000000000000000abcd`);
  assert.equal(status, 404);
  assert.deepEqual(body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found', traceID: '0000000000000000000000000000abcd' }] });
});

test('a malformed trace ID is 400 naming the parameter', async () => {
  const { status, body } = await getJson(`${q.url}/api/traces/xyz`);
  assert.equal(status, 400);
  assert.equal(body.errors[0].code, 400);
  assert.match(body.errors[0].msg, /^traceID: invalid trace ID/);
});

test('start/end bounds are accepted in microseconds and in milliseconds (Grafana)', async () => {
  const us = Number(start / 1000n);
  const ms = Math.floor(us / 1000);
  for (const [s, e] of [[us - 1e6, us + 1e6], [ms - 1000, ms + 1000]]) {
    const { status } = await getJson(`${q.url}/api/traces/${T128}?start=${s}&end=${e}`);
    assert.equal(status, 200);
  }
  const bad = await getJson(`${q.url}/api/traces/${T128}?start=yesterday`);
  assert.equal(bad.status, 400);
  assert.match(bad.body.errors[0].msg, /^start:/);
});

test('prettyPrint=true indents the JSON', async () => {
  const res = await fetch(`${q.url}/api/traces/${T128}?prettyPrint=true`);
  const text = await res.text();
  assert.match(text, /^\{\n {4}"data": \[/);
  assert.equal(JSON.parse(text).data[0].traceID, T128);
});
