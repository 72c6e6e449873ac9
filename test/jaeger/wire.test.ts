import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, test } from 'node:test';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { encodePostSpans, postSpansRaw } from './support/grpc-client.ts';
import { getV3Trace, tag, v3Spans, waitForTrace } from '../support/query.ts';
import { encodeBatch, encodeEmitBatch, sampleBatch } from './support/thrift-writer.ts';

let w: RunningWaymark;
before(async () => {
  w = await startWaymark();
});
after(async () => {
  await w?.stop();
});

function sendUdp(port: number, datagram: Buffer): Promise<void> {
  const sock = dgram.createSocket('udp4');
  return new Promise<void>((resolve, reject) =>
    sock.send(datagram, port, '127.0.0.1', (err) => {
      sock.close();
      if (err) reject(err);
      else resolve();
    }),
  );
}

test('compact Thrift written by the Apache thrift library over UDP: exact int64, types, refs, logs', async () => {
  await sendUdp(w.ports.jaegerCompact, encodeEmitBatch(sampleBatch(0n, 0x5eed01n, 'compact-svc'), 'compact'));
  const trace = await waitForTrace(w.queryUrl, '00000000005eed01', 2);
  const root = trace.spans.find((s) => s.spanID === '0000000000001111')!;
  const child = trace.spans.find((s) => s.spanID === 'fffffffffffffffe')!;
  assert.equal(trace.processes[root.processID]!.serviceName, 'compact-svc');
  assert.deepEqual(tag(trace.processes[root.processID]!.tags, 'pid'), { type: 'int64', value: 4242 });
  assert.deepEqual(tag(root.tags, 'big'), { type: 'int64', value: '9223372036854775807' });
  assert.deepEqual(tag(root.tags, 'small'), { type: 'int64', value: '-9223372036854775808' });
  assert.deepEqual(tag(root.tags, 'ratio'), { type: 'float64', value: 0.25 });
  assert.deepEqual(tag(root.tags, 'blob'), { type: 'binary', value: 'AAH+/w==' });
  assert.deepEqual(tag(root.tags, 'span.kind'), { type: 'string', value: 'server' });
  assert.deepEqual(tag(root.tags, 'error'), { type: 'bool', value: true });
  assert.equal(root.startTime, 1_700_000_000_000_001);
  assert.equal(root.duration, 2_500);
  assert.equal(root.flags, 1);
  assert.deepEqual(root.logs[0]!.fields[0], { key: 'event', type: 'string', value: 'cache-miss' });
  assert.deepEqual(child.references, [
    { refType: 'CHILD_OF', traceID: '00000000005eed01', spanID: '0000000000001111' },
    { refType: 'FOLLOWS_FROM', traceID: '000000000000004d', spanID: '0000000000000005' },
  ]);
  const v3 = v3Spans(await getV3Trace(w.queryUrl, '00000000005eed01'));
  const v3Root = v3.find((s) => s.spanId === '0000000000001111')!;
  assert.deepEqual(v3Root.attributes?.find((a) => a.key === 'big')?.value, { intValue: '9223372036854775807' });
});

test('binary Thrift over HTTP with gzip is accepted with 202', async () => {
  const { gzipSync } = await import('node:zlib');
  const res = await fetch(`http://127.0.0.1:${w.ports.jaegerHttp}/api/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.apache.thrift.binary', 'Content-Encoding': 'gzip' },
    body: gzipSync(encodeBatch(sampleBatch(0n, 0x5eed02n, 'gzip-svc'))),
  });
  assert.equal(res.status, 202);
  const trace = await waitForTrace(w.queryUrl, '00000000005eed02', 2);
  assert.equal(Object.values(trace.processes)[0]!.serviceName, 'gzip-svc');
});

const TRACE_HEX = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

test('gRPC PostSpans from a protobufjs client keeps nanosecond times, int64 and references', async () => {
  const traceId = Buffer.from(TRACE_HEX, 'hex');
  const res = await postSpansRaw(
    w.ports.jaegerGrpc,
    encodePostSpans({
      batch: {
        process: { serviceName: 'grpc-svc', tags: [{ key: 'region', vType: 'STRING', vStr: 'eu' }] },
        spans: [
          {
            traceId,
            spanId: Buffer.from('0000000000000001', 'hex'),
            operationName: 'grpc-root',
            flags: 1,
            startTime: { seconds: 1_700_000_100, nanos: 123_456_789 },
            duration: { seconds: 0, nanos: 1_001 },
            tags: [
              { key: 'span.kind', vStr: 'consumer' },
              { key: 'max', vType: 'INT64', vInt64: '9223372036854775807' },
              { key: 'pi', vType: 'FLOAT64', vFloat64: 3.14159 },
            ],
            logs: [{ timestamp: { seconds: 1_700_000_100, nanos: 123_457_000 }, fields: [{ key: 'event', vStr: 'got-it' }] }],
          },
          {
            traceId,
            spanId: Buffer.from('0000000000000002', 'hex'),
            operationName: 'grpc-child',
            references: [{ traceId, spanId: Buffer.from('0000000000000001', 'hex'), refType: 'CHILD_OF' }],
            startTime: { seconds: 1_700_000_100, nanos: 123_456_999 },
            duration: { seconds: 0, nanos: 1 },
          },
        ],
      },
    }),
  );
  assert.equal(res.length, 0, 'PostSpansResponse is empty');
  const trace = await waitForTrace(w.queryUrl, TRACE_HEX, 2);
  const root = trace.spans.find((s) => s.spanID === '0000000000000001')!;
  assert.deepEqual(tag(root.tags, 'max'), { type: 'int64', value: '9223372036854775807' });
  assert.deepEqual(tag(root.tags, 'span.kind'), { type: 'string', value: 'consumer' });
  assert.equal(Object.values(trace.processes)[0]!.serviceName, 'grpc-svc');
  const v3 = v3Spans(await getV3Trace(w.queryUrl, TRACE_HEX));
  const v3Root = v3.find((s) => s.spanId === '0000000000000001')!;
  const v3Child = v3.find((s) => s.spanId === '0000000000000002')!;
  assert.equal(v3Root.startTimeUnixNano, '1700000100123456789');
  assert.equal(v3Root.endTimeUnixNano, '1700000100123457790');
  assert.equal(v3Root.kind, 5);
  assert.equal(v3Root.events?.[0]?.timeUnixNano, '1700000100123457000');
  assert.equal(v3Child.startTimeUnixNano, '1700000100123456999');
  assert.equal(v3Child.endTimeUnixNano, '1700000100123457000');
  assert.equal(v3Child.parentSpanId, '0000000000000001');
});

test('a 64-bit trace ID over Thrift and the same ID as 16 bytes over gRPC land in one trace', async () => {
  await sendUdp(w.ports.jaegerBinary, encodeEmitBatch(sampleBatch(0n, 0x77aa55n, 'thrift-half'), 'binary'));
  await postSpansRaw(
    w.ports.jaegerGrpc,
    encodePostSpans({
      batch: {
        process: { serviceName: 'grpc-half' },
        spans: [
          {
            traceId: Buffer.from('0000000000000000000000000077aa55', 'hex'),
            spanId: Buffer.from('00000000000000f1', 'hex'),
            operationName: 'grpc-side',
            references: [{ traceId: Buffer.from('0000000000000000000000000077aa55', 'hex'), spanId: Buffer.from('0000000000001111', 'hex') }],
            startTime: { seconds: 1_700_000_000 },
            duration: { nanos: 5000 },
          },
        ],
      },
    }),
  );
  const trace = await waitForTrace(w.queryUrl, '000000000077aa55', 3);
  assert.equal(trace.traceID, '000000000077aa55');
  const services = new Set(trace.spans.map((s) => trace.processes[s.processID]!.serviceName));
  assert.deepEqual([...services].sort(), ['grpc-half', 'thrift-half']);
  const grpcSide = trace.spans.find((s) => s.spanID === '00000000000000f1')!;
  assert.deepEqual(grpcSide.references, [{ refType: 'CHILD_OF', traceID: '000000000077aa55', spanID: '0000000000001111' }]);
});

test('garbage and invalid gRPC requests are INVALID_ARGUMENT naming the problem', async () => {
  await assert.rejects(postSpansRaw(w.ports.jaegerGrpc, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x7f, 1, 2])), (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /malformed Jaeger protobuf/);
    return true;
  });
  const zeroTrace = encodePostSpans({ batch: { spans: [{ traceId: Buffer.alloc(16), spanId: Buffer.from('0000000000000001', 'hex') }] } });
  await assert.rejects(postSpansRaw(w.ports.jaegerGrpc, zeroTrace), (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /span 0: invalid trace ID: all zeros/);
    return true;
  });
});
