import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { startInProcess, type InProcessWaymark } from '../support/in-process.ts';

/**
 * Defects the fuzz harness found, each pinned by the smallest input it shrank
 * to (the decoder-level ones sit beside their decoder's tests).
 */

let w: InProcessWaymark;
before(async () => {
  w = await startInProcess();
});
after(async () => {
  await w?.stop();
});

/** Calls a method with raw request bytes, as a broken or hostile client could. */
function rawCall(path: string, bytes: Uint8Array, stream: boolean): Promise<grpc.ServiceError | undefined> {
  const client = new grpc.Client(`127.0.0.1:${w.ports.queryGrpc}`, grpc.credentials.createInsecure());
  const identity = (b: Buffer) => b;
  return new Promise((resolve) => {
    const done = (err: grpc.ServiceError | null | undefined) => {
      client.close();
      resolve(err ?? undefined);
    };
    if (!stream) {
      client.makeUnaryRequest(path, identity, identity, Buffer.from(bytes), (err) => done(err));
      return;
    }
    const call = client.makeServerStreamRequest(path, identity, identity, Buffer.from(bytes));
    call.on('data', () => undefined);
    call.on('error', (err: grpc.ServiceError) => done(err));
    call.on('end', () => done(undefined));
  });
}

test('query gRPC: request bytes that are not the request message get INVALID_ARGUMENT, not INTERNAL', async () => {
  // Field 1 declares 32 bytes and one follows (the fuzzer's find was a longer cut message).
  const garbage = Uint8Array.from([0x0a, 0x20, 0x30]);
  const calls: [string, boolean][] = [
    ['/jaeger.api_v3.QueryService/GetTrace', true],
    ['/jaeger.api_v3.QueryService/FindTraces', true],
    ['/jaeger.api_v3.QueryService/GetOperations', false],
    ['/jaeger.api_v2.QueryService/GetTrace', true],
    ['/jaeger.api_v2.QueryService/FindTraces', true],
    ['/jaeger.api_v2.QueryService/GetDependencies', false],
  ];
  for (const [path, stream] of calls) {
    const err = await rawCall(path, garbage, stream);
    assert.equal(err?.code, grpc.status.INVALID_ARGUMENT, `${path}: ${err?.code} ${err?.details}`);
    assert.match(err.details, /malformed .*request/i, path);
  }
  // The server still answers a valid request.
  assert.equal(await rawCall('/jaeger.api_v3.QueryService/GetServices', new Uint8Array(0), false), undefined);
});
