import assert from 'node:assert/strict';
import { test } from 'node:test';
import { criticalPath, criticalSectionsBySpan } from './critical-path.ts';
import { diffTraces } from './diff.ts';
import { findSpans } from './find.ts';
import { traceStatistics } from './stats.ts';
import { buildTraceModel, visibleNodes } from './trace-model.ts';
import type { JaegerSpan, JaegerTrace } from './types.ts';

/** [id, parent, service, operation, start, end] in microseconds from 1,000,000. */
type Row = [string, string | undefined, string, string, number, number, boolean?];

function trace(rows: Row[], traceID = 't1'): JaegerTrace {
  const services = [...new Set(rows.map((r) => r[2]))];
  const spans: JaegerSpan[] = rows.map(([id, parent, svc, op, start, end, error]) => ({
    traceID,
    spanID: id,
    operationName: op,
    references: parent ? [{ refType: 'CHILD_OF', traceID, spanID: parent }] : [],
    startTime: 1_000_000 + start,
    duration: end - start,
    tags: error ? [{ key: 'error', type: 'bool', value: true }] : [],
    processID: `p${services.indexOf(svc) + 1}`,
  }));
  return { traceID, spans, processes: Object.fromEntries(services.map((s, i) => [`p${i + 1}`, { serviceName: s, tags: [] }])) };
}

const checkout: Row[] = [
  ['A', undefined, 'frontend', 'GET /checkout', 0, 100],
  ['C', 'A', 'payment', 'charge', 50, 90],
  ['B', 'A', 'cart', 'get cart', 10, 40],
  ['E', 'A', 'auth', 'verify', 15, 30],
  ['D', 'C', 'payment-db', 'INSERT', 55, 70],
];

test('the tree: depth-first by start time, depth, self time, services', () => {
  const m = buildTraceModel(trace(checkout));
  assert.deepEqual(m.nodes.map((n) => n.id), ['A', 'B', 'E', 'C', 'D']);
  assert.deepEqual(m.nodes.map((n) => n.depth), [0, 1, 1, 1, 2]);
  assert.equal(m.depth, 3);
  assert.equal(m.duration, 100);
  // A: 100 less B∪E (10..40) and C (50..90) = 30; C: 40 less D (15) = 25.
  assert.equal(m.byId.get('A')!.selfTime, 30);
  assert.equal(m.byId.get('C')!.selfTime, 25);
  assert.equal(m.byId.get('A')!.descendants, 4);
  assert.equal(m.rootService, 'frontend');
  assert.deepEqual(visibleNodes(m, new Set(['C'])).map((n) => n.id), ['A', 'B', 'E', 'C']);
  assert.deepEqual(visibleNodes(m, new Set(['A'])).map((n) => n.id), ['A']);
});

test('the critical path, span by span', () => {
  const m = buildTraceModel(trace(checkout));
  const path = criticalPath(m).map((s) => [s.node.id, s.start, s.end]);
  assert.deepEqual(path, [
    ['A', 90, 100],
    ['C', 70, 90],
    ['D', 55, 70],
    ['C', 50, 55],
    ['A', 40, 50],
    ['B', 10, 40],
    ['A', 0, 10],
  ]);
  assert.equal(criticalSectionsBySpan(criticalPath(m)).has('E'), false);
});

test('the critical path clips children that outlive their parent and skips ones that start after it', () => {
  const m = buildTraceModel(trace([
    ['A', undefined, 's', 'root', 0, 100],
    ['B', 'A', 's', 'async tail', 80, 150],
    ['C', 'A', 's', 'after the end', 120, 130],
    ['D', 'A', 's', 'first', 0, 50],
  ]));
  assert.deepEqual(criticalPath(m).map((s) => [s.node.id, s.start, s.end]), [
    ['B', 80, 100],
    ['A', 50, 80],
    ['D', 0, 50],
  ]);
});

test('sequential children that touch, and zero-length spans, do not loop', () => {
  const m = buildTraceModel(trace([
    ['A', undefined, 's', 'root', 0, 30],
    ['B', 'A', 's', 'one', 0, 10],
    ['C', 'A', 's', 'two', 10, 20],
    ['Z', 'A', 's', 'instant', 20, 20],
    ['D', 'A', 's', 'three', 20, 30],
  ]));
  // The instant span is walked through but adds no time.
  assert.deepEqual(criticalPath(m).map((s) => [s.node.id, s.start, s.end]), [
    ['D', 20, 30],
    ['C', 10, 20],
    ['B', 0, 10],
  ]);
});

test('a 100,000-deep chain builds and walks without overflowing the stack', () => {
  const rows: Row[] = [];
  for (let i = 0; i < 100_000; i++) rows.push([`s${i}`, i === 0 ? undefined : `s${i - 1}`, 'svc', 'op', i, 200_000 - i]);
  const m = buildTraceModel(trace(rows));
  assert.equal(m.depth, 100_000);
  assert.equal(criticalPath(m).length, 199_999);
  assert.equal(diffTraces(m, m).counts.same, 100_000);
});

test('orphans become roots; a reference cycle does not lose spans', () => {
  const m = buildTraceModel(trace([
    ['A', undefined, 's', 'root', 0, 10],
    ['O', 'missing', 's', 'orphan', 2, 4],
    ['X', 'Y', 's', 'x', 1, 2],
    ['Y', 'X', 's', 'y', 1, 2],
  ]));
  assert.equal(m.nodes.length, 4);
  assert.equal(m.roots[0]!.id, 'A');
});

test('errors, statistics and find', () => {
  const m = buildTraceModel(trace([
    ['A', undefined, 'web', 'GET', 0, 10],
    ['B', 'A', 'db', 'query', 1, 4, true],
    ['C', 'A', 'db', 'query', 5, 9],
  ]));
  assert.equal(m.errorCount, 1);
  assert.deepEqual(m.services, [
    { name: 'db', count: 2, errors: 1 },
    { name: 'web', count: 1, errors: 0 },
  ]);
  const db = traceStatistics(m).find((r) => r.service === 'db')!;
  assert.deepEqual([db.count, db.errors, db.total, db.self, db.min, db.max], [2, 1, 7, 7, 3, 4]);
  assert.deepEqual(findSpans(m, 'DB query').map((n) => n.id), ['B', 'C']);
  assert.deepEqual(findSpans(m, 'error=true').map((n) => n.id), ['B']);
  assert.deepEqual(findSpans(m, '   '), []);
});

test('diff: added, removed and changed nodes with counts', () => {
  const a = buildTraceModel(trace([
    ['A', undefined, 'web', 'POST /order', 0, 60],
    ['B', 'A', 'cart', 'get', 1, 2],
    ['C', 'A', 'auth', 'verify', 3, 4],
  ]));
  const b = buildTraceModel(trace([
    ['A', undefined, 'web', 'POST /order', 0, 80],
    ['B', 'A', 'cart', 'get', 1, 2],
    ['B2', 'A', 'cart', 'get', 2, 3],
    ['F', 'A', 'fraud', 'score', 5, 6],
  ]));
  const d = diffTraces(a, b);
  assert.deepEqual(d.counts, { same: 1, added: 1, removed: 1, changed: 1 });
  assert.deepEqual(d.rows.map((r) => [r.operation, r.state, r.countA, r.countB]), [
    ['POST /order', 'same', 1, 1],
    ['get', 'changed', 1, 2],
    ['verify', 'removed', 1, 0],
    ['score', 'added', 0, 1],
  ]);
});
