import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';

/** The real process: spans sent over OTLP/HTTP come back from the query API under --base-path. */
let w: RunningWaymark;

before(async () => {
  w = await startWaymark({ basePath: '/jaeger' });
});
after(() => w.stop());

test('an OTLP/HTTP span is found by GET /jaeger/api/traces/{id} and by search', async () => {
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e' } }] },
      scopeSpans: [{ scope: { name: 's' }, spans: [{
        traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'op', kind: 2,
        startTimeUnixNano: String(now - 5_000_000n), endTimeUnixNano: String(now),
        attributes: [{ key: 'big', value: { intValue: '9223372036854775807' } }],
      }] }],
    }],
  };
  const post = await fetch(`http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(post.status, 200);
  await post.body?.cancel();
  const res = await fetch(`${w.queryUrl}/api/traces/5b8efff798038103d269b633813fc60c`);
  assert.equal(res.status, 200);
  const trace = ((await res.json()) as any).data[0];
  assert.equal(trace.processes.p1.serviceName, 'e2e');
  assert.deepEqual(trace.spans[0].tags[0], { key: 'big', type: 'int64', value: '9223372036854775807' });
  const found = (await (await fetch(`${w.queryUrl}/api/traces?service=e2e&minDuration=4ms`)).json()) as any;
  assert.deepEqual(found.data.map((t: any) => t.traceID), ['5b8efff798038103d269b633813fc60c']);
  const bare = await fetch(`http://127.0.0.1:${w.ports.query}/api/services`);
  assert.equal(bare.status, 404);
  await bare.body?.cancel();
});
