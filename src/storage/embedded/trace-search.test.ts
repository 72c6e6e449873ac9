import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ShopTraffic } from '../../../bench/data/generator.ts';
import type { Span } from '../../model/span.ts';
import type { TagFilter, TraceQuery } from '../api/query.ts';
import { MemoryStore } from '../memory/memory-store.ts';
import type { EmbeddedStore } from './embedded-store.ts';
import { openStore, tempDataDir } from './test-support.ts';

/**
 * trace-search.ts plans a search (attr_index skip data, newest part of the
 * window first); whatever the plan, the answer must be the one the memory
 * store gives by checking every span (match.ts). Shop traffic in many small
 * batches, the newer half written first, so that append order and time
 * order disagree and a plan that trusted append order would be caught.
 */
describe('embedded search plans answer like a full scan', () => {
  const tmp = tempDataDir();
  let store: EmbeddedStore;
  const memory = new MemoryStore({ maxTraces: 1_000_000 });
  let spans: Span[];
  const attr = (key: string) => spans.flatMap((s) => s.attributes.filter((a) => a.key === key).map((a) => String(a.value)));

  before(async () => {
    spans = new ShopTraffic({ seed: 7 }).spans(60_000);
    store = await openStore(tmp.dir);
    const half = Math.floor(spans.length / 2);
    for (const part of [spans.slice(half), spans.slice(0, half)]) {
      for (let i = 0; i < part.length; i += 2048) {
        const batch = part.slice(i, i + 2048);
        await store.writeSpans(batch);
        await memory.writeSpans(batch);
      }
    }
  });
  after(async () => {
    await store?.close();
    tmp.remove();
  });

  const same = async (q: Partial<TraceQuery>, expectSome = true) => {
    const query: TraceQuery = { tags: [], limit: 20, ...q };
    const want = await memory.findTraceIds(query);
    assert.deepEqual(await store.findTraceIds(query), want, JSON.stringify(query, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    if (expectSome) assert.ok(want.length > 0, 'the query should match something');
  };
  const eq = (key: string, value: string): TagFilter => ({ key, op: 'equals', value });

  test('service, operation, duration: found in the newest part of the window', async () => {
    await same({ service: 'frontend' });
    await same({ service: 'frontend', limit: 3 });
    await same({ service: 'checkout', operation: 'shop.CheckoutService/PlaceOrder', durationMin: 30_000_000n });
    await same({});
  });

  test('limits beyond the matches and time bounds inside the data: the whole window', async () => {
    await same({ service: 'payment', limit: 100_000 });
    const mid = spans[Math.floor(spans.length / 3)]!.startTimeUnixNano;
    await same({ service: 'cart', startTimeMin: mid - 2_000_000_000n, startTimeMax: mid });
    await same({ service: 'cart', startTimeMax: mid, limit: 50 });
  });

  test('attributes through attr_index: rare, common, two at once, absent', async () => {
    const users = attr('app.user.id');
    for (const u of [users[0]!, users[users.length - 1]!, users[Math.floor(users.length / 2)]!]) await same({ tags: [eq('app.user.id', u)] });
    await same({ service: 'frontend', tags: [eq('app.user.id', users[7]!)] });
    const products = attr('app.product.id');
    await same({ service: 'product-catalog', tags: [eq('app.product.id', products[3]!), eq('rpc.method', 'GetProduct')] }, false);
    await same({ tags: [eq('rpc.method', 'GetProduct')], limit: 500 });
    await same({ tags: [eq('app.user.id', 'no-such-user')] }, false);
    await same({ tags: [eq('app.user.id', users[0]!), eq('app.user.id', users[1]!)] }, false);
  });

  test('tags a resource or the status can satisfy, and the other operators', async () => {
    await same({ tags: [eq('host.name', 'node-3')] });
    await same({ tags: [eq('host.name', 'node-3'), eq('app.user.id', attr('app.user.id')[5]!)] }, false);
    await same({ tags: [eq('error', 'true')] });
    await same({ service: 'payment', tags: [eq('otel.status_code', 'ERROR')] });
    await same({ service: 'frontend', tags: [{ key: 'app.user.id', op: 'exists' }] });
    await same({ service: 'cart', tags: [{ key: 'rpc.method', op: 'notEquals', value: 'GetCart' }] });
  });
});
