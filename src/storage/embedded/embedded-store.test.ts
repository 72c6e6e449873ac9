import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { makeResource, makeSpan } from '../../model/builders.ts';
import { SpanKind, StatusCode, type Span } from '../../model/span.ts';
import { WaymarkMetrics } from '../../observability/metrics.ts';
import { runStorageConformance } from '../conformance/suite.ts';
import { HOUR, openStore, simpleSpan, tempDataDir } from './test-support.ts';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));
function dataDir(): string {
  const d = tempDataDir();
  cleanups.push(d.remove);
  return d.dir;
}

runStorageConformance('embedded', async () => openStore(dataDir()));

const NOW = BigInt(Date.now()) * 1_000_000n;

function richSpan(): Span {
  const resource = makeResource(
    [
      { key: 'service.name', value: 'rich' },
      { key: 'host.id', value: 42n },
    ],
    2,
  );
  return makeSpan({
    traceId: 'ffffffffffffffffffffffffffffffff',
    spanId: 'fedcba9876543210',
    parentSpanId: '0123456789abcdef',
    traceState: 'vendor=a,other=b',
    name: 'every type',
    kind: SpanKind.CONSUMER,
    startTimeUnixNano: NOW + 123n,
    endTimeUnixNano: NOW + 987_654_321n,
    resource,
    scope: { name: 'lib', version: '1.2.3', attributes: [{ key: 'scope.attr', value: true }], droppedAttributesCount: 1 },
    attributes: [
      { key: 'str', value: 'héllo ✓ '.repeat(30) },
      { key: 'empty', value: '' },
      { key: 'yes', value: true },
      { key: 'no', value: false },
      { key: 'double', value: 0.1 },
      { key: 'nan', value: Number.NaN },
      { key: 'neg-inf', value: Number.NEGATIVE_INFINITY },
      { key: 'int-max', value: 9223372036854775807n },
      { key: 'int-min', value: -9223372036854775808n },
      { key: 'small', value: -5n },
      { key: 'bytes', value: new Uint8Array([0, 1, 254, 255]) },
      { key: 'array', value: ['a', 1n, [2.5, false]] },
      { key: 'kvlist', value: { kvlist: [{ key: '__proto__', value: 'safe' }, { key: 'nested', value: { kvlist: [] } }] } },
      { key: 'str', value: 'a duplicate key keeps its place' },
    ],
    droppedAttributesCount: 3,
    events: [{ name: 'exception', timeUnixNano: NOW + 500n, attributes: [{ key: 'exception.type', value: 'Boom' }], droppedAttributesCount: 4 }],
    droppedEventsCount: 5,
    links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: 'k=v', attributes: [{ key: 'link.n', value: 7n }], droppedAttributesCount: 6, flags: 257 }],
    droppedLinksCount: 7,
    status: { code: StatusCode.ERROR, message: 'it broke' },
    flags: 0x301,
  });
}

test('a span with every field and attribute type round-trips exactly', async () => {
  const store = await openStore(dataDir());
  try {
    const span = richSpan();
    await store.writeSpans([span]);
    const [back] = await store.getTrace({ traceId: span.traceId });
    assert.deepEqual(back, span);
    assert.deepEqual(await store.findTraceIds({ tags: [{ key: 'int-max', op: 'equals', value: '9223372036854775807' }], limit: 10 }), [span.traceId]);
    assert.deepEqual(await store.findTraceIds({ tags: [{ key: 'event', op: 'equals', value: 'exception' }], limit: 10 }), [span.traceId]);
    assert.deepEqual(await store.findTraceIds({ tags: [{ key: 'otel.status_code', op: 'equals', value: 'ERROR' }], limit: 10 }), [span.traceId]);
  } finally {
    await store.close();
  }
});

test('reopening the data directory serves everything committed, and new writes do not disturb it', async () => {
  const dir = dataDir();
  const first = await openStore(dir);
  await first.writeSpans([simpleSpan('1', NOW, 'x', 'before'), richSpan()]);
  await first.close();

  const second = await openStore(dir);
  try {
    assert.deepEqual(await second.getTrace({ traceId: richSpan().traceId }), [richSpan()]);
    // Same partition: the search rows of new spans must not attach to the old ones.
    await second.writeSpans([simpleSpan('2', NOW + 1n, 'x', 'after')]);
    assert.deepEqual(await second.findTraceIds({ tags: [{ key: 'x', op: 'equals', value: 'before' }], limit: 10 }), ['1'.padStart(32, '0')]);
    assert.deepEqual(await second.findTraceIds({ tags: [{ key: 'x', op: 'equals', value: 'after' }], limit: 10 }), ['2'.padStart(32, '0')]);
    assert.deepEqual(await second.getServices(), ['rich', 'svc']);
  } finally {
    await second.close();
  }
});

test('spans outside the storable time range are refused as bad data', async () => {
  const store = await openStore(dataDir());
  try {
    await assert.rejects(store.writeSpans([simpleSpan('3', 1n << 63n)]), { name: 'PermanentError', message: /time outside the storable range/ });
    assert.deepEqual(await store.getTrace({ traceId: '3'.padStart(32, '0') }), []);
    assert.deepEqual(await store.getTrace({ traceId: 'not hex' }), []);
  } finally {
    await store.close();
  }
});

test('writes and reads interleave: every acknowledged batch is visible at once', async () => {
  const store = await openStore(dataDir(), { partitionWidth: HOUR });
  try {
    const writes = [];
    for (let i = 1; i <= 20; i++) writes.push(store.writeSpans([simpleSpan(i.toString(16), NOW + BigInt(i) * 60_000_000_000n)]));
    const reads = writes.map(async (w, i) => {
      await w;
      assert.equal((await store.getTrace({ traceId: (i + 1).toString(16).padStart(32, '0') })).length, 1);
    });
    await Promise.all(reads);
    assert.equal((await store.findTraceIds({ service: 'svc', tags: [], limit: 100 })).length, 20);
  } finally {
    await store.close();
  }
});

test('a read abandoned while it runs is stopped in the worker (counted), and the store keeps serving', async () => {
  const metrics = new WaymarkMetrics();
  const store = await openStore(dataDir(), { metrics });
  try {
    const spans = Array.from({ length: 20_000 }, (_, i) => simpleSpan((i + 1).toString(16), NOW - BigInt(i) * 1_000_000n, 'k', String(i)));
    await store.writeSpans(spans);
    const cancelled = async () => (await metrics.storageReadsCancelled.get()).values.reduce((n, v) => n + v.value, 0);
    const reason = new Error('deadline');
    // The abort follows the request to the worker at once: the read stops at its next query or is interrupted in it.
    for (let attempt = 0; attempt < 20 && (await cancelled()) === 0; attempt++) {
      const controller = new AbortController();
      const pending = store.findTraces({ tags: [{ key: 'k', op: 'notEquals', value: '1' }], limit: 1000 }, { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 20 - attempt);
      // A busy machine may let the read finish first: then it resolves, and the next attempt aborts sooner.
      await pending.then(
        () => undefined,
        (err: unknown) => assert.equal(err, reason),
      );
      for (let i = 0; i < 100 && (await cancelled()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok((await cancelled()) >= 1, 'the worker reported a read it stopped');
    assert.equal((await store.findTraces({ tags: [], limit: 5 })).length, 5);
  } finally {
    await store.close();
  }
});
