import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { checkJaegerTrace, checkV3Trace, emitTrace } from './support.ts';

test('agent -> collector: spans sent to the agent are readable from the upstream', async () => {
  const upstream = await startWaymark();
  try {
    const agent = await startWaymark({ role: 'agent', args: ['--collector-endpoint', `http://127.0.0.1:${upstream.ports.otlpHttp}/v1/traces`] });
    try {
      // forceFlush returns once the agent acknowledged, which it does only after the upstream did.
      const t = await emitTrace(new ProtoExporter({ url: `http://127.0.0.1:${agent.ports.otlpHttp}/v1/traces` }), 'via-agent');
      await checkJaegerTrace(upstream, t);
      await checkV3Trace(upstream, t);
    } finally {
      await agent.stop();
    }
  } finally {
    await upstream.stop();
  }
});

test("the agent's acknowledgement waits for the upstream's", async () => {
  // A stand-in upstream that holds the first request for a while, then accepts.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let received = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      received++;
      await held;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let agent: RunningWaymark | undefined;
  try {
    agent = await startWaymark({ role: 'agent', args: ['--collector-endpoint', `http://127.0.0.1:${port}/v1/traces`] });
    let acknowledged = false;
    const sent = emitTrace(new ProtoExporter({ url: `http://127.0.0.1:${agent.ports.otlpHttp}/v1/traces` }), 'held').then(() => (acknowledged = true));
    const deadline = Date.now() + 5000;
    while (received === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(received > 0, 'the agent forwarded the batch');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(acknowledged, false, 'no acknowledgement before the upstream answered');
    release();
    await sent;
    assert.equal(acknowledged, true);
  } finally {
    release();
    await agent?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('an agent whose upstream is down answers 503 once --max-retry-seconds passed', async () => {
  const agent = await startWaymark({ role: 'agent', args: ['--collector-endpoint', 'http://127.0.0.1:9/v1/traces', '--max-retry-seconds', '1'] });
  try {
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${agent.ports.otlpHttp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', name: 'x' }] }] }] }),
    });
    assert.equal(res.status, 503);
    assert.ok(res.headers.get('retry-after'));
    assert.match(((await res.json()) as { message: string }).message, /did not accept the batch within 1s/);
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    await agent.stop();
  }
});
