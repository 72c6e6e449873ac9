import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';

type Body = NonNullable<Parameters<typeof fetch>[1]>['body'];

/**
 * Bad requests are refused with the right status and a message naming the
 * problem, are counted on /metrics, and never stop the receiver: a valid
 * batch right after each one is accepted.
 */
const LIMIT = 4096;
let w: RunningWaymark;
let base: string;
let valid = 0;

before(async () => {
  w = await startWaymark({ args: ['--max-request-bytes', String(LIMIT)] });
  base = `http://127.0.0.1:${w.ports.zipkin}`;
});

after(async () => {
  await w?.stop();
});

function span(extra: Record<string, unknown> = {}): Record<string, unknown> {
  valid++;
  return {
    traceId: '463ac35c9f6413ad48485a3953bb6124',
    id: (0x1000 + valid).toString(16).padStart(16, '0'),
    name: 'op',
    timestamp: Date.now() * 1000,
    duration: 5,
    localEndpoint: { serviceName: 'errors-test' },
    ...extra,
  };
}

async function post(body: Body, headers: Record<string, string> = { 'Content-Type': 'application/json' }, path = '/api/v2/spans', method = 'POST'): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(base + path, { method, headers, body: method === 'POST' ? body : undefined });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function refusals(reason: string): Promise<number> {
  const text = await (await fetch(`${w.adminUrl}/metrics`)).text();
  const m = new RegExp(`^waymark_receiver_refused_requests_total\\{receiver="zipkin",reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Sends a bad request, checks the answer and the counter, then proves the receiver still accepts. */
async function refusedThenServing(reason: string, send: () => Promise<{ status: number; text: string; headers: Headers }>, status: number, message: RegExp): Promise<void> {
  const before = await refusals(reason);
  const res = await send();
  assert.equal(res.status, status, res.text);
  assert.match(res.text, message);
  assert.equal(await refusals(reason), before + 1, `refused_requests_total{reason="${reason}"}`);
  const ok = await post(JSON.stringify([span()]));
  assert.equal(ok.status, 202, `a valid batch after the refusal: ${ok.text}`);
  assert.equal(ok.text, '');
}

test('garbage is 400 "malformed JSON"', async () => {
  await refusedThenServing('invalid', () => post('\u0000\u0001 this is not json {{{'), 400, /malformed JSON/);
});

test('truncated JSON is 400', async () => {
  const whole = JSON.stringify([span()]);
  await refusedThenServing('invalid', () => post(whole.slice(0, whole.length - 7)), 400, /malformed JSON/);
});

test('a JSON object instead of an array is 400', async () => {
  await refusedThenServing('invalid', () => post(JSON.stringify(span())), 400, /expected a JSON array/);
});

test('an unsupported Content-Type is 415 naming the accepted types', async () => {
  await refusedThenServing('unsupported_media_type', () => post('[]', { 'Content-Type': 'text/plain' }), 415, /unsupported Content-Type "text\/plain".*application\/json/);
  await refusedThenServing('unsupported_media_type', () => post('[]', { 'Content-Type': 'application/x-thrift' }), 415, /\/api\/v2\/spans takes/);
});

test('a body over --max-request-bytes is 413', async () => {
  const spans = Array.from({ length: 40 }, () => span());
  const body = JSON.stringify(spans);
  assert.ok(body.length > LIMIT);
  await refusedThenServing('too_large', () => post(body), 413, /exceeds the limit of 4096 bytes/);
});

test('a gzip bomb (a few KB inflating past the limit) is 413, not inflated', async () => {
  const bomb = gzipSync(Buffer.alloc(3 * 1024 * 1024, ' '), { level: 9 });
  assert.ok(bomb.length < LIMIT, `bomb is ${bomb.length} bytes`);
  await refusedThenServing('too_large', () => post(bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }), 413, /decompressed gzip body exceeds/);
});

test('an all-zero trace ID is 400 naming the span and the ID', async () => {
  await refusedThenServing('invalid_id', () => post(JSON.stringify([span(), span({ traceId: '00000000000000000000000000000000', id: 'abcdefabcdef0001' })])), 400, /span 1 \(id abcdefabcdef0001\): traceId "0{32}"/);
});

test('a wrong-length span ID is 400 naming the ID', async () => {
  await refusedThenServing('invalid_id', () => post(JSON.stringify([span({ id: 'abc123' })])), 400, /span 0: id "abc123": expected 16 hex characters/);
});

test('a wrong-length v1 trace ID is 400', async () => {
  await refusedThenServing('invalid_id', () => post(JSON.stringify([{ traceId: '12345', id: 'abcdefabcdef0002', name: 'x', timestamp: 1 }]), { 'Content-Type': 'application/json' }, '/api/v1/spans'), 400, /traceId "12345"/);
});

test('truncated v1 Thrift is 400', async () => {
  await refusedThenServing('invalid', () => post(Buffer.from([12, 0, 0, 0, 3, 10, 0, 1]), { 'Content-Type': 'application/x-thrift' }, '/api/v1/spans'), 400, /malformed Zipkin v1 Thrift/);
});

test('other paths are 404 and other methods 405 with Allow: POST', async () => {
  await refusedThenServing('not_found', () => post('[]', { 'Content-Type': 'application/json' }, '/api/v3/spans'), 404, /no route/);
  const before = await refusals('method_not_allowed');
  const res = await post('', {}, '/api/v2/spans', 'GET');
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'POST');
  assert.equal(await refusals('method_not_allowed'), before + 1);
});

test('an empty JSON array is accepted; the process is still healthy after all of the above', async () => {
  const res = await post('[]');
  assert.equal(res.status, 202);
  assert.equal((await fetch(`${w.adminUrl}/health`)).status, 200);
  const text = await (await fetch(`${w.adminUrl}/metrics`)).text();
  assert.match(text, /waymark_receiver_accepted_spans_total\{receiver="zipkin"\} [1-9]\d*/);
});
