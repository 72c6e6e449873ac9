import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind } from '../../model/span.ts';
import type { TraceQuery } from '../api/query.ts';
import { makeResource, makeSpan } from '../../model/builders.ts';
import type { StorageBackend, TruncatedTrace } from '../api/storage.ts';
import { BASE, TRACE, fixtureSpans } from './fixtures.ts';

const MS = 1_000_000n;
const ALL = { tags: [], limit: 100 } satisfies TraceQuery;

/**
 * The storage suite every backend runs (Jaeger's integration suite, smaller):
 * wiring a backend in is `runStorageConformance('name', () => open())`.
 */
export function runStorageConformance(name: string, open: () => Promise<StorageBackend>): void {
  describe(`storage conformance: ${name}`, () => {
    let store: StorageBackend;
    const find = async (q: Partial<TraceQuery>) => new Set(await store.reader.findTraceIds({ ...ALL, ...q }));

    before(async () => {
      store = await open();
      await store.writer.writeSpans(fixtureSpans());
    });
    after(async () => store.close());

    test('getTrace returns every span of a trace, [] for an unknown one', async () => {
      const spans = await store.reader.getTrace({ traceId: TRACE.checkout });
      assert.deepEqual(spans.map((s) => s.spanId).sort(), ['0000000000000003', '0000000000000004', '0000000000000005']);
      const s5 = spans.find((s) => s.spanId === '0000000000000005')!;
      assert.equal(s5.resource.serviceName, 'payment');
      assert.equal(s5.startTimeUnixNano, BASE + 1020n * MS);
      assert.deepEqual(await store.reader.getTrace({ traceId: 'f'.repeat(32) }), []);
    });

    test('attributes keep their types exactly', async () => {
      const [s] = (await store.reader.getTrace({ traceId: TRACE.cartView })).filter((s) => s.spanId === '0000000000000002');
      assert.deepEqual(s!.attributes, [{ key: 'http.status_code', value: 200n }, { key: 'cart.items', value: 3n }]);
    });

    test('services and operations by kind', async () => {
      assert.deepEqual(await store.reader.getServices(), ['cart', 'frontend', 'payment']);
      const ops = await store.reader.getOperations({ service: 'frontend' });
      assert.deepEqual(ops.map((o) => `${o.name}/${o.spanKind}`).sort(), ['Charge/3', 'GET /cart/2', 'POST /checkout/2']);
      const clientOps = await store.reader.getOperations({ service: 'frontend', spanKind: SpanKind.CLIENT });
      assert.deepEqual(clientOps.map((o) => o.name), ['Charge']);
    });

    test('search by service and by service + operation', async () => {
      assert.deepEqual(await find({ service: 'cart' }), new Set([TRACE.cartView, TRACE.cacheMiss]));
      assert.deepEqual(await find({ service: 'frontend', operation: 'Charge' }), new Set([TRACE.checkout]));
      assert.deepEqual(await find({ service: 'payment', operation: 'GET /cart' }), new Set());
    });

    test('every condition must hold on one span', async () => {
      // checkout has a frontend span and a POST span, but no frontend span with 200 other than GET /cart's;
      // payment has an error span and a POST span only in another service.
      assert.deepEqual(await find({ service: 'frontend', tags: [{ key: 'http.status_code', op: 'equals', value: '200' }] }), new Set([TRACE.cartView]));
      assert.deepEqual(await find({ service: 'payment', tags: [{ key: 'http.method', op: 'equals', value: 'POST' }] }), new Set());
    });

    test('tags match span, resource and event attributes, as strings', async () => {
      assert.deepEqual(await find({ tags: [{ key: 'cart.items', op: 'equals', value: '3' }] }), new Set([TRACE.cartView]));
      assert.deepEqual(await find({ tags: [{ key: 'host.name', op: 'equals', value: 'node-7' }] }), new Set([TRACE.cartView, TRACE.cacheMiss]));
      assert.deepEqual(await find({ tags: [{ key: 'key', op: 'equals', value: 'user-42' }] }), new Set([TRACE.cacheMiss]));
      assert.deepEqual(await find({ tags: [{ key: 'amount', op: 'equals', value: '12.5' }] }), new Set([TRACE.checkout]));
    });

    test('error=true matches an error status; not-equals and exists', async () => {
      assert.deepEqual(await find({ tags: [{ key: 'error', op: 'equals', value: 'true' }] }), new Set([TRACE.checkout]));
      assert.deepEqual(await find({ service: 'payment', tags: [{ key: 'error', op: 'notEquals', value: 'true' }] }), new Set([TRACE.short64]));
      assert.deepEqual(await find({ tags: [{ key: 'http.method', op: 'exists' }] }), new Set([TRACE.cartView, TRACE.checkout]));
    });

    test('duration bounds apply to the matching span', async () => {
      assert.deepEqual(await find({ durationMin: 700n * MS }), new Set([TRACE.checkout]));
      assert.deepEqual(await find({ service: 'cart', durationMax: 10n * MS }), new Set([TRACE.cacheMiss]));
      assert.deepEqual(await find({ service: 'frontend', durationMin: 100n * MS, durationMax: 130n * MS }), new Set([TRACE.cartView]));
    });

    test('time window on span start', async () => {
      assert.deepEqual(await find({ startTimeMin: BASE + 1500n * MS, startTimeMax: BASE + 2500n * MS }), new Set([TRACE.cacheMiss]));
    });

    test('limit keeps the most recent traces, most recent first', async () => {
      assert.deepEqual(await store.reader.findTraceIds({ ...ALL, limit: 2 }), [TRACE.short64, TRACE.cacheMiss]);
      const traces = await store.reader.findTraces({ ...ALL, service: 'frontend', limit: 1 });
      assert.equal(traces.length, 1);
      assert.equal(traces[0]!.length, 3);
    });

    test('dependencies count cross-service parent/child calls in the window', async () => {
      const links = await store.reader.getDependencies({ endTime: BASE + 10_000n * MS, lookback: 20_000n * MS });
      assert.deepEqual(links, [
        { parent: 'frontend', child: 'cart', callCount: 1 },
        { parent: 'frontend', child: 'payment', callCount: 1 },
      ]);
      assert.deepEqual(await store.reader.getDependencies({ endTime: BASE - MS, lookback: MS }), []);
    });

    test('a byte budget keeps whole traces while they fit, cuts the next to its earliest spans, leaves out the rest', async () => {
      // Three traces of ten ~1 kB spans, newest first 'b1', 'b2', 'b3'; the budget holds one trace and 4.5 spans.
      const budgetTrace = (n: number) => `b${n}`.padEnd(32, '0');
      const start = BASE + 3_000_000n * MS;
      const spans = [1, 2, 3].flatMap((n) =>
        Array.from({ length: 10 }, (_, i) =>
          makeSpan({
            traceId: budgetTrace(n),
            spanId: `${n}${i}`.padStart(16, '0'),
            name: 'op',
            startTimeUnixNano: start - BigInt(n) * 1000n * MS + BigInt(i) * MS,
            endTimeUnixNano: start - BigInt(n) * 1000n * MS + BigInt(i) * MS + 1n,
            resource: makeResource([{ key: 'service.name', value: 'budget' }]),
            attributes: [{ key: 'k', value: 'v'.repeat(1000) }],
          }),
        ),
      );
      await store.writer.writeSpans(spans);
      const cut: TruncatedTrace[] = [];
      const traces = await store.reader.findTraces({ ...ALL, service: 'budget' }, { maxBytes: 14.5 * 1074, onTruncated: (t) => cut.push(t) });
      assert.deepEqual(
        traces.map((t) => [t[0]!.traceId, t.length]),
        [
          [budgetTrace(1), 10],
          [budgetTrace(2), 4],
        ],
      );
      // The cut trace keeps its earliest spans.
      assert.deepEqual(traces[1]!.map((s) => s.spanId).sort(), ['20', '21', '22', '23'].map((x) => x.padStart(16, '0')));
      assert.deepEqual(
        cut.sort((a, b) => a.traceId.localeCompare(b.traceId)),
        [
          { traceId: budgetTrace(2), keptSpans: 4, totalSpans: 10 },
          { traceId: budgetTrace(3), keptSpans: 0, totalSpans: 10 },
        ],
      );
    });

    test('a read whose signal is aborted rejects with its reason, and the store keeps serving', async () => {
      const reason = new Error('gone');
      const controller = new AbortController();
      controller.abort(reason);
      const signal = controller.signal;
      await assert.rejects(store.reader.findTraces(ALL, { signal }), (err) => err === reason);
      await assert.rejects(store.reader.getTrace({ traceId: TRACE.checkout }, { signal }), (err) => err === reason);
      await assert.rejects(store.reader.getServices({ signal }), (err) => err === reason);
      assert.ok((await store.reader.getServices()).length > 0);
    });
  });
}
