import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { test } from 'node:test';
import { encodeBatch, encodeEmitBatch, sampleBatch } from '../../../test/jaeger/support/thrift-writer.ts';
import { encodePostSpans, postSpansRaw } from '../../../test/jaeger/support/grpc-client.ts';
import { freePort } from '../../../test/support/ports.ts';
import type { Host, TracesConsumer } from '../../component/component.ts';
import { QueueFullError } from '../../component/errors.ts';
import type { WaymarkConfig } from '../../config/config.ts';
import type { Span } from '../../model/span.ts';
import { silentTelemetry } from '../../observability/telemetry.ts';
import { jaegerReceiverFactory } from './factory.ts';
import { JaegerGrpcReceiver } from './grpc-receiver.ts';
import { JaegerHttpReceiver } from './http-receiver.ts';
import { JaegerReceiver } from './jaeger-receiver.ts';
import { JaegerUdpReceiver } from './udp-receiver.ts';

const settings = { host: '127.0.0.1', maxRequestBytes: 1 << 20, maxAttributeValueLength: 0 };

function host(): Host {
  return { telemetry: silentTelemetry(), reportFatal: (err) => assert.fail(err) };
}

const full: TracesConsumer = {
  consumeTraces: () => Promise.reject(new QueueFullError('queue is full', 2)),
};

async function metric(h: Host, name: string): Promise<string> {
  return (await h.telemetry.metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#')).join('\n');
}

test('HTTP: a full pipeline answers 503 with Retry-After, spans counted as refused', async () => {
  const h = host();
  const r = new JaegerHttpReceiver(settings, 0, full);
  await r.start(h);
  try {
    const res = await fetch(`http://127.0.0.1:${r.boundPort}/api/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-thrift' }, body: encodeBatch(sampleBatch(0n, 1n)) });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.match(await res.text(), /queue is full/);
    assert.match(await metric(h, 'waymark_receiver_refused_spans_total'), /receiver="jaeger_thrift_http",reason="queue_full"} 2/);
  } finally {
    await r.shutdown();
  }
});

test('gRPC: a full pipeline answers UNAVAILABLE; a good request reaches the consumer', async () => {
  const h = host();
  const got: Span[][] = [];
  let refuse = true;
  const next: TracesConsumer = { consumeTraces: (s) => (refuse ? full.consumeTraces(s) : (got.push(s), Promise.resolve())) };
  const port = await freePort();
  const r = new JaegerGrpcReceiver(settings, port, next);
  await r.start(h);
  const body = encodePostSpans({ batch: { spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), operationName: 'x' }] } });
  try {
    await assert.rejects(postSpansRaw(port, body), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE && /queue is full/.test(err.details));
    refuse = false;
    await postSpansRaw(port, body);
    assert.equal(got[0]![0]!.name, 'x');
  } finally {
    await r.shutdown();
  }
});

test('UDP: a batch the pipeline refuses is counted as dropped with the reason', async () => {
  const h = host();
  const port = await freePort();
  const r = new JaegerUdpReceiver(settings, port, 'compact', full);
  await r.start(h);
  try {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sock.send(encodeEmitBatch(sampleBatch(0n, 1n), 'compact'), port, '127.0.0.1', () => resolve()));
    sock.close();
    const deadline = Date.now() + 5000;
    while (!/queue_full"} 2/.test(await metric(h, 'waymark_receiver_dropped_spans_total')) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    assert.match(await metric(h, 'waymark_receiver_dropped_spans_total'), /receiver="jaeger_compact",reason="queue_full"} 2/);
  } finally {
    await r.shutdown();
  }
});

test('a listener that cannot start shuts down the ones already listening', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const taken = (blocker.address() as net.AddressInfo).port;
  const httpPort = await freePort();
  const http = new JaegerHttpReceiver(settings, httpPort, full);
  const r = new JaegerReceiver([http, new JaegerGrpcReceiver(settings, taken, full)]);
  try {
    await assert.rejects(r.start(host()), /jaeger grpc receiver: cannot listen/);
    // The HTTP listener was closed: its port can be bound again.
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(httpPort, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => again.close(resolve));
  } finally {
    await r.shutdown();
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('the factory builds one receiver of the enabled listeners, none when all ports are 0, and validates ports', () => {
  const config = (jaeger: WaymarkConfig['receivers']['jaeger']) => ({ receivers: { jaeger } }) as WaymarkConfig;
  assert.deepEqual(jaegerReceiverFactory.create(config({ httpPort: 0, grpcPort: 0, compactPort: 0, binaryPort: 0 }), settings, full), []);
  const [one] = jaegerReceiverFactory.create(config({ httpPort: 1, grpcPort: 0, compactPort: 3, binaryPort: 0 }), settings, full);
  assert.ok(one instanceof JaegerReceiver);
  assert.equal(one.parts.length, 2);
  assert.deepEqual(jaegerReceiverFactory.validate(config({ httpPort: 5, grpcPort: 5, compactPort: 6, binaryPort: 6 })).length, 2);
  assert.deepEqual(jaegerReceiverFactory.validate(config({ httpPort: 0, grpcPort: 0, compactPort: 0, binaryPort: 0 })), []);
});
