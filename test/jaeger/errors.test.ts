import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { waitForTrace } from '../support/query.ts';
import { encodeBatch, encodeEmitBatch, sampleBatch } from './support/thrift-writer.ts';

const LIMIT = 200_000;
let w: RunningWaymark;
before(async () => {
  w = await startWaymark({ args: ['--max-request-bytes', String(LIMIT)] });
});
after(async () => {
  await w?.stop();
});

function post(body: Uint8Array, headers: Record<string, string> = { 'Content-Type': 'application/x-thrift' }, path = '/api/traces'): Promise<Response> {
  return fetch(`http://127.0.0.1:${w.ports.jaegerHttp}${path}`, { method: 'POST', headers, body });
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${w.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('garbage Thrift over HTTP is 400 naming the problem, and counted', async () => {
  const before = await metric('waymark_receiver_refused_requests_total', 'receiver="jaeger_thrift_http",reason="malformed"');
  const res = await post(Buffer.from('this is not thrift at all'));
  assert.equal(res.status, 400);
  assert.match(await res.text(), /malformed Jaeger Thrift \(binary\)/);
  assert.equal(await metric('waymark_receiver_refused_requests_total', 'receiver="jaeger_thrift_http",reason="malformed"'), before + 1);
});

test('truncated Thrift over HTTP is 400', async () => {
  const full = encodeBatch(sampleBatch(0n, 99n));
  const res = await post(full.subarray(0, full.length - 20));
  assert.equal(res.status, 400);
  assert.match(await res.text(), /truncated data/);
});

test('an empty body is 400', async () => {
  const res = await post(new Uint8Array(0));
  assert.equal(res.status, 400);
  assert.match(await res.text(), /empty body/);
});

test('a wrong content type is 415, a wrong path 404, a GET 405', async () => {
  const wrongType = await post(encodeBatch(sampleBatch(0n, 99n)), { 'Content-Type': 'application/json' });
  assert.equal(wrongType.status, 415);
  assert.match(await wrongType.text(), /unsupported Content-Type "application\/json"/);
  assert.equal((await post(encodeBatch(sampleBatch(0n, 99n)), undefined, '/api/spans')).status, 404);
  const get = await fetch(`http://127.0.0.1:${w.ports.jaegerHttp}/api/traces`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
});

test('a body over --max-request-bytes is 413', async () => {
  const res = await post(Buffer.alloc(LIMIT + 1));
  assert.equal(res.status, 413);
  assert.match(await res.text(), /exceeds the limit of 200000 bytes/);
});

test('a gzip bomb is refused with 413 without inflating it', async () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  assert.ok(bomb.length < LIMIT);
  const res = await post(bomb, { 'Content-Type': 'application/x-thrift', 'Content-Encoding': 'gzip' });
  assert.equal(res.status, 413);
  assert.match(await res.text(), /decompressed gzip body exceeds/);
});

test('an all-zero trace ID is 400 naming the span', async () => {
  const res = await post(encodeBatch(sampleBatch(0n, 0n)));
  assert.equal(res.status, 400);
  assert.match(await res.text(), /span 0: invalid trace ID: all zeros/);
});

test('garbage and oversized UDP datagrams are counted; the receiver keeps serving', async () => {
  const sock = dgram.createSocket('udp4');
  const send = (b: Buffer, port: number) => new Promise<void>((resolve, reject) => sock.send(b, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  try {
    const valid = encodeEmitBatch(sampleBatch(0n, 0xbadn), 'compact');
    for (const port of [w.ports.jaegerCompact, w.ports.jaegerBinary]) {
      await send(Buffer.from('garbage!'), port);
      await send(valid.subarray(0, valid.length - 5), port);
      await send(Buffer.alloc(65_100, 0x82), port);
    }
    await send(encodeEmitBatch(sampleBatch(0n, 0x600dn), 'compact'), w.ports.jaegerCompact);
    await send(encodeEmitBatch(sampleBatch(0n, 0x600en), 'binary'), w.ports.jaegerBinary);
  } finally {
    sock.close();
  }
  await waitForTrace(w.queryUrl, '000000000000600d', 2);
  await waitForTrace(w.queryUrl, '000000000000600e', 2);
  for (const receiver of ['jaeger_compact', 'jaeger_binary']) {
    assert.equal(await metric('waymark_receiver_refused_requests_total', `receiver="${receiver}",reason="malformed"`), 2, receiver);
    assert.equal(await metric('waymark_receiver_refused_requests_total', `receiver="${receiver}",reason="too_large"`), 1, receiver);
    assert.equal(await metric('waymark_receiver_accepted_spans_total', `receiver="${receiver}"`), 2, receiver);
  }
  assert.equal(w.process.exitCode, null);
});
