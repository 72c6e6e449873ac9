import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { makeResource, makeSpan } from '../../src/model/builders.ts';
import type { Span } from '../../src/model/span.ts';
import { encodeTracesData, spansToOtlpJson } from '../../src/protocols/otlp/index.ts';
import type { StorageBackend } from '../../src/storage/api/storage.ts';
import { MemoryStore } from '../../src/storage/memory/memory-store.ts';
import { startInProcess, type InProcessWaymark } from '../support/in-process.ts';
import { encodeBatch, encodeEmitBatch, sampleBatch } from '../jaeger/support/thrift-writer.ts';
import { encodePostSpans, postSpansRaw } from '../jaeger/support/grpc-client.ts';

/**
 * Acceptance: hold the store's writer, fill the queue, check every protocol's
 * push-back, release, and find every acknowledged span and none of the refused.
 */
const CAPACITY = 40;
let gateOpen!: () => void;
const gate = new Promise<void>((r) => (gateOpen = r));
const memory = new MemoryStore({ maxTraces: 1000 });
const held: StorageBackend = {
  type: 'memory',
  capabilities: memory.capabilities,
  reader: memory,
  writer: { writeSpans: async (spans) => { await gate; await memory.writeSpans(spans); } },
  close: () => memory.close(),
};
let w: InProcessWaymark;

before(async () => {
  w = await startInProcess({ storage: held, flags: { 'queue.capacitySpans': String(CAPACITY), 'queue.maxBatchSpans': '10', 'admission.maxQueueDelay': '0s' } });
});
after(async () => {
  gateOpen();
  await w.stop();
});

const resource = makeResource([{ key: 'service.name', value: 'pushback' }]);
function trace(n: number): Span[] {
  const traceId = n.toString(16).padStart(32, '0');
  return Array.from({ length: 10 }, (_, i) =>
    makeSpan({ traceId, spanId: (n * 100 + i + 1).toString(16).padStart(16, '0'), name: `op-${i}`, resource, startTimeUnixNano: 1_700_000_000_000_000_000n, endTimeUnixNano: 1_700_000_000_001_000_000n }),
  );
}
const otlpHttp = (spans: Span[]) =>
  fetch(`http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${w.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

test('a full queue pushes back on every protocol; everything acknowledged is stored, nothing refused is', async () => {
  // Fill: four requests of ten spans wait on the held writer (they are not answered yet).
  const pending = [1, 2, 3, 4].map((n) => otlpHttp(trace(n)));
  const deadline = Date.now() + 10_000;
  while ((await metric('waymark_queue_spans', '')) < CAPACITY) {
    assert.ok(Date.now() < deadline, 'queue never filled');
    await new Promise((r) => setTimeout(r, 20));
  }

  const otlp = await otlpHttp(trace(5));
  assert.ok(otlp.status === 503 || otlp.status === 429, `OTLP/HTTP answered ${otlp.status}`);
  assert.ok(Number(otlp.headers.get('retry-after')) > 0, 'OTLP/HTTP push-back carries Retry-After');

  const zipkin = await fetch(`http://127.0.0.1:${w.ports.zipkin}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ traceId: '6'.padStart(32, '0'), id: '0000000000000601', name: 'z', timestamp: 1_700_000_000_000_000, duration: 5, localEndpoint: { serviceName: 'pushback' } }]),
  });
  assert.equal(zipkin.status, 503);
  assert.match(await zipkin.text(), /queue full/);

  const jaegerHttp = await fetch(`http://127.0.0.1:${w.ports.jaegerHttp}/api/traces`, {
    method: 'POST', headers: { 'content-type': 'application/x-thrift' }, body: encodeBatch(sampleBatch(0n, 7n)),
  });
  assert.equal(jaegerHttp.status, 503);

  const otlpGrpc = await new Promise<grpc.ServiceError | null>((resolve) => {
    const client = new grpc.Client(`127.0.0.1:${w.ports.otlpGrpc}`, grpc.credentials.createInsecure());
    client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b,
      Buffer.from(encodeTracesData(trace(8))), (err) => { client.close(); resolve(err); });
  });
  assert.equal(otlpGrpc?.code, grpc.status.UNAVAILABLE);

  const jaegerGrpc = await postSpansRaw(w.ports.jaegerGrpc, encodePostSpans({
    batch: { process: { serviceName: 'pushback' }, spans: [{ traceId: Buffer.alloc(16, 9), spanId: Buffer.alloc(8, 9), operationName: 'g', startTime: { seconds: 1_700_000_000 }, duration: { nanos: 1000 } }] },
  })).then(() => null, (err: grpc.ServiceError) => err);
  assert.equal(jaegerGrpc?.code, grpc.status.UNAVAILABLE);

  const udp = dgram.createSocket('udp4');
  await new Promise<void>((r) => udp.send(encodeEmitBatch(sampleBatch(0n, 10n), 'compact'), w.ports.jaegerCompact, '127.0.0.1', () => r()));
  udp.close();
  const dropDeadline = Date.now() + 5_000;
  while ((await metric('waymark_receiver_dropped_spans_total', 'reason="queue_full"')) < 2) {
    assert.ok(Date.now() < dropDeadline, 'the UDP batch was not counted as dropped');
    await new Promise((r) => setTimeout(r, 20));
  }

  // Release: every waiting request is acknowledged, and only then.
  gateOpen();
  const answers = await Promise.all(pending);
  assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 200]);

  for (const n of [1, 2, 3, 4]) {
    const res = await fetch(`${w.queryUrl}/api/traces/${n.toString(16).padStart(32, '0')}`);
    const body = (await res.json()) as { data: { spans: unknown[] }[] };
    assert.equal(body.data[0]!.spans.length, 10, `trace ${n} complete`);
  }
  const refusedIds = [...[5, 6, 7, 8, 10].map((n) => n.toString(16).padStart(32, '0')), '09'.repeat(16)];
  for (const id of refusedIds) {
    assert.equal((await fetch(`${w.queryUrl}/api/traces/${id}?raw=true`)).status, 404, `refused trace ${id} must not be stored`);
  }
  assert.equal((await memory.findTraceIds({ tags: [], limit: 100 })).length, 4);
  assert.equal(await metric('waymark_receiver_accepted_spans_total', 'receiver="otlp_http"'), 40);
  const refused = await metric('waymark_receiver_refused_spans_total', 'reason="queue_full"');
  assert.ok(refused >= 10, `refused spans counted (${refused})`);
});

test('while draining on shutdown, /health answers 503 and the queued spans are still written', async () => {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  const store = new MemoryStore({ maxTraces: 100 });
  const slow: StorageBackend = {
    type: 'memory',
    capabilities: store.capabilities,
    reader: store,
    writer: { writeSpans: async (spans) => { await hold; await store.writeSpans(spans); } },
    close: async () => {},
  };
  const d = await startInProcess({ storage: slow });
  assert.equal((await fetch(`${d.adminUrl}/health`)).status, 200);
  const acked = fetch(`http://127.0.0.1:${d.ports.otlpHttp}/v1/traces`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(trace(42))),
  });
  while (d.telemetry.metrics.queueDepth.get === undefined || (await d.telemetry.metrics.queueDepth.get()).values[0]?.value !== 10) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const stopping = d.stop();
  const health = await fetch(`${d.adminUrl}/health`);
  assert.equal(health.status, 503);
  assert.match(await health.text(), /draining/);
  release();
  assert.equal((await acked).status, 200);
  await stopping;
  assert.equal((await store.getTrace({ traceId: (42).toString(16).padStart(32, '0') })).length, 10);
});
