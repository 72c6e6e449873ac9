import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { PermanentError, RetryableError } from '../../component/errors.ts';
import { silentTelemetry } from '../../observability/telemetry.ts';
import { decodeExportRequest, encodeRpcStatus } from '../../protocols/otlp/index.ts';
import { sampleSpans } from '../../protocols/otlp/test-spans.ts';
import { OtlpHttpExporter } from './otlp-http-exporter.ts';
import { backoffMs, parseRetryAfterMs } from './retry-policy.ts';

type Reply = { status: number; headers?: Record<string, string>; body?: Uint8Array };

/** An upstream that answers from a script, recording what it received. */
async function upstream(script: (n: number) => Reply): Promise<{ url: string; bodies: Buffer[]; close(): Promise<void> }> {
  const bodies: Buffer[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    bodies.push(Buffer.concat(chunks));
    const r = script(bodies.length);
    res.writeHead(r.status, { 'content-type': 'application/x-protobuf', ...r.headers });
    res.end(r.body ?? Buffer.alloc(0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const fast = { initialMs: 10, maxMs: 40, multiplier: 2 };

async function exporter(url: string, maxRetrySeconds = 5): Promise<OtlpHttpExporter> {
  const e = new OtlpHttpExporter({ collectorEndpoint: url, maxRetrySeconds, backoff: fast });
  await e.start({ telemetry: silentTelemetry(), reportFatal: () => {} });
  return e;
}

test('sends OTLP protobuf upstream and resolves on 2xx', async () => {
  const up = await upstream(() => ({ status: 200 }));
  try {
    await (await exporter(up.url)).consumeTraces(sampleSpans());
    assert.equal(up.bodies.length, 1);
    assert.equal(decodeExportRequest(up.bodies[0]!).spans.length, 3);
  } finally {
    await up.close();
  }
});

test('retries 429/502/503/504 until accepted, honouring Retry-After', async () => {
  const statuses = [429, 502, 503, 504];
  const up = await upstream((n): Reply => {
    if (n > 4) return { status: 200 };
    return { status: statuses[n - 1]!, headers: n === 3 ? { 'retry-after': '1' } : {} };
  });
  try {
    const t0 = Date.now();
    await (await exporter(up.url)).consumeTraces(sampleSpans());
    assert.equal(up.bodies.length, 5);
    assert.ok(Date.now() - t0 >= 1000, 'waited for Retry-After: 1');
  } finally {
    await up.close();
  }
});

test('a 400 fails the batch with PermanentError carrying the upstream message, without retrying', async () => {
  const up = await upstream(() => ({ status: 400, body: encodeRpcStatus(3, 'malformed OTLP protobuf: bad') }));
  try {
    await assert.rejects((await exporter(up.url)).consumeTraces(sampleSpans()), (err: Error) => {
      assert.ok(err instanceof PermanentError);
      assert.match(err.message, /upstream answered 400: malformed OTLP protobuf: bad/);
      return true;
    });
    assert.equal(up.bodies.length, 1);
  } finally {
    await up.close();
  }
});

test('an upstream that stays unavailable fails the batch with RetryableError after maxRetrySeconds', async () => {
  const up = await upstream(() => ({ status: 503 }));
  try {
    const t0 = Date.now();
    await assert.rejects((await exporter(up.url, 1)).consumeTraces(sampleSpans()), RetryableError);
    const took = Date.now() - t0;
    assert.ok(took < 2500, `gave up after ${took} ms`);
    assert.ok(up.bodies.length > 3);
  } finally {
    await up.close();
  }
});

test('connection failures are retried, then RetryableError', async () => {
  const up = await upstream(() => ({ status: 200 }));
  await up.close();
  await assert.rejects((await exporter(up.url, 1)).consumeTraces(sampleSpans()), (err: Error) => err instanceof RetryableError && /cannot reach upstream/.test(err.message));
});

test('backoff grows, is capped and jittered; Retry-After reads seconds and dates', () => {
  const p = { initialMs: 100, maxMs: 1000, multiplier: 2 };
  assert.equal(backoffMs(p, 0, () => 0), 50);
  assert.equal(backoffMs(p, 0, () => 1), 100);
  assert.equal(backoffMs(p, 3, () => 1), 800);
  assert.equal(backoffMs(p, 10, () => 1), 1000);
  assert.equal(parseRetryAfterMs('3'), 3000);
  assert.equal(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfterMs(null), undefined);
  assert.equal(parseRetryAfterMs('soon'), undefined);
});
