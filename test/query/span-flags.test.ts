import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hexToBytes } from '../../src/model/ids.ts';
import { API_V2_QUERY_SERVICE } from '../../src/query/grpc/v2-query-service.ts';
import { getJson, span, startQuery, type QueryUnderTest } from './support.ts';

// OTLP's span flags word: W3C trace flags in bits 0-7 (0x01 sampled, 0x02 random),
// 0x100 "has is_remote", 0x200 "is remote". The Java SDK sends 256, 259 and 769.
// Jaeger's flags give 0x02 another meaning, debug, so only the sampled bit may pass.
const TRACE = 'cc000000000000000000000000000001';
const CASES: [string, number, number | undefined][] = [
  ['0000000000000001', 0, undefined],
  ['0000000000000002', 1, 1],
  ['0000000000000003', 256, undefined],
  ['0000000000000004', 259, 1],
  ['0000000000000005', 769, 1],
  ['0000000000000006', 0x302, undefined],
];
let q: QueryUnderTest;
let v2: grpc.Client & Record<string, Function>;

before(async () => {
  q = await startQuery(CASES.map(([id, flags]) => span({ trace: TRACE, span: id, extra: { flags } })), { grpc: true });
  const V2Client = grpc.makeGenericClientConstructor(API_V2_QUERY_SERVICE, 'QueryService');
  v2 = new V2Client(`127.0.0.1:${q.grpcPort}`, grpc.credentials.createInsecure()) as never;
});
after(async () => {
  v2?.close();
  await q.stop();
});

test("Jaeger JSON flags: only the sampled bit of OTLP's flags word, never debug or the raw word", async () => {
  const { status, body } = await getJson(`${q.url}/api/traces/${TRACE}`);
  assert.equal(status, 200);
  const flags = Object.fromEntries(body.data[0].spans.map((s: any) => [s.spanID, s.flags]));
  assert.deepEqual(flags, Object.fromEntries(CASES.map(([id, , want]) => [id, want])));
});

test("api_v2 protobuf flags: only the sampled bit of OTLP's flags word", async () => {
  const chunks = await new Promise<any[]>((resolve, reject) => {
    const out: any[] = [];
    const call = v2.GetTrace!({ traceId: hexToBytes(TRACE) }) as grpc.ClientReadableStream<any>;
    call.on('data', (m: any) => out.push(m));
    call.on('error', reject);
    call.on('end', () => resolve(out));
  });
  const flags = Object.fromEntries(chunks.flatMap((c) => c.spans).map((s: any) => [Buffer.from(s.spanId).toString('hex'), s.flags]));
  assert.deepEqual(flags, Object.fromEntries(CASES.map(([id, , want]) => [id, want ?? 0])));
});
