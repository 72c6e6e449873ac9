import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TracesConsumer } from '../../component/component.ts';
import { PermanentError, QueueFullError } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import { silentTelemetry } from '../../observability/telemetry.ts';
import { ZipkinReceiver } from './zipkin-receiver.ts';

const SPAN = [{ traceId: '463ac35c9f6413ad48485a3953bb6124', id: 'a2fb4a1d1a96d312', name: 'op', timestamp: 1764000000000000, duration: 3, localEndpoint: { serviceName: 'svc' } }];

async function withReceiver(next: TracesConsumer, run: (url: string, metrics: () => Promise<string>) => Promise<void>): Promise<void> {
  const telemetry = silentTelemetry();
  const r = new ZipkinReceiver({ host: '127.0.0.1', maxRequestBytes: 1 << 20, maxAttributeValueLength: 0 }, 0, next);
  await r.start({ telemetry, reportFatal: (err) => assert.fail(err) });
  try {
    await run(`http://127.0.0.1:${r.boundPort}/api/v2/spans`, () => telemetry.metrics.registry.metrics());
  } finally {
    await r.shutdown();
    await r.shutdown();
  }
}

const post = (url: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(SPAN) });

test('202 with an empty body once the pipeline accepted the batch', async () => {
  const got: Span[][] = [];
  await withReceiver({ consumeTraces: async (s) => void got.push(s) }, async (url, metrics) => {
    const res = await post(url);
    assert.equal(res.status, 202);
    assert.equal(await res.text(), '');
    assert.equal(got.length, 1);
    assert.equal(got[0]![0]!.resource.serviceName, 'svc');
    assert.match(await metrics(), /waymark_receiver_accepted_spans_total\{receiver="zipkin"\} 1/);
  });
});

test('a full queue is 503 with Retry-After; the refused spans are counted', async () => {
  await withReceiver({ consumeTraces: () => Promise.reject(new QueueFullError('queue full', 2)) }, async (url, metrics) => {
    const res = await post(url);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.match(await res.text(), /queue full/);
    assert.match(await metrics(), /waymark_receiver_refused_spans_total\{receiver="zipkin",reason="queue_full"\} 1/);
  });
});

test('a permanent pipeline error is 400 with its message', async () => {
  await withReceiver({ consumeTraces: () => Promise.reject(new PermanentError('store refused the batch')) }, async (url) => {
    const res = await post(url);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /store refused the batch/);
  });
});

test('shutdown before start is safe', async () => {
  const r = new ZipkinReceiver({ host: '127.0.0.1', maxRequestBytes: 1024, maxAttributeValueLength: 0 }, 0, { consumeTraces: async () => {} });
  await r.shutdown();
});
