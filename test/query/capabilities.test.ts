import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Waymark } from '../../src/app/waymark.ts';
import { resolveConfig } from '../../src/config/load.ts';
import { silentTelemetry } from '../../src/observability/telemetry.ts';
import type { StorageBackend } from '../../src/storage/api/storage.ts';
import { MemoryStore } from '../../src/storage/memory/memory-store.ts';
import { freePort } from '../support/ports.ts';
import { getJson, span } from './support.ts';

/** A store that cannot search without a service, nor for "not equal" or "exists". */
let waymark: Waymark;
let url: string;

before(async () => {
  const store = new MemoryStore({ maxTraces: 10 });
  await store.writeSpans([span({ trace: 'aa000000000000000000000000000001', span: '0000000000000001', service: 's', attrs: [{ key: 'k', value: 'v' }] })]);
  const limited: StorageBackend = {
    type: 'limited',
    capabilities: { searchWithoutService: false, tagNotEquals: false, tagExists: false },
    writer: store.writer,
    reader: store.reader,
    close: () => store.close(),
  };
  const port = await freePort();
  const config = resolveConfig({ flags: { host: '127.0.0.1', 'query.port': String(port), 'query.grpcPort': '0', 'admin.port': '0' }, env: {} });
  waymark = new Waymark({ role: 'query', config, telemetry: silentTelemetry(), storage: limited });
  await waymark.start();
  url = `http://127.0.0.1:${port}`;
});
after(() => waymark.shutdown());

for (const [what, query, param] of [
  ['search without a service', 'tag=k:v', /^service: the limited store cannot search without a service name/],
  ['not equals', 'service=s&tag=k!=v', /^tag k: the limited store cannot search for "not equal"/],
  ['exists', 'service=s&tag=k', /^tag k: the limited store cannot search for "exists"/],
] as const) {
  test(`a filter the backend cannot run is refused with 400: ${what}`, async () => {
    const { status, body } = await getJson(`${url}/api/traces?${query}`);
    assert.equal(status, 400);
    assert.match(body.errors[0].msg, param);
  });
}

test('what the backend can run still answers', async () => {
  const { status, body } = await getJson(`${url}/api/traces?service=s&tag=k:v`);
  assert.equal(status, 200);
  assert.equal(body.data.length, 1);
});
