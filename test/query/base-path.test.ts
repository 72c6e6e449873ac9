import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getJson, span, startQuery, type QueryUnderTest } from './support.ts';

const T1 = 'ee000000000000000000000000000001';
let q: QueryUnderTest;

before(async () => {
  q = await startQuery([span({ trace: T1, span: '0000000000000001', service: 'mesh' })], { basePath: '/jaeger' });
});
after(() => q.stop());

const root = () => q.url.replace(/\/jaeger$/, '');

for (const path of ['/api/services', `/api/traces/${T1}`, '/api/traces?service=mesh', '/api/v3/services', '/api/dependencies']) {
  test(`${path} answers under /jaeger and is 404 without it`, async () => {
    assert.equal((await getJson(`${q.url}${path}`)).status, 200);
    const bare = await fetch(`${root()}${path}`);
    assert.equal(bare.status, 404);
    await bare.body?.cancel();
  });
}

test('the trace found under the base path is the stored one', async () => {
  const { body } = await getJson(`${q.url}/api/traces/${T1}`);
  assert.equal(body.data[0].traceID, T1);
});
