import type { Fixture } from './support.ts';

/**
 * The traces the UI tests search, open and compare. Times are a few minutes
 * ago so the default lookback (1h) finds them.
 */
export function uiFixtures(now = Date.now()): Record<'critical' | 'failing' | 'slow' | 'before' | 'after', Fixture> {
  const t = (minutesAgo: number) => now - minutesAgo * 60_000;
  return {
    // Critical path known span by span: checkout waits on cart (10-40), then on
    // payment (50-90), which waits on its database (55-70); auth (15-30) runs
    // under cart's shadow and is never on the path.
    critical: {
      traceId: 'c0000000000000000000000000000001',
      baseMs: t(10),
      spans: [
        { id: 'A', service: 'frontend', name: 'GET /checkout', start: 0, end: 100, attrs: { 'http.method': 'GET', 'http.status_code': 200 } },
        { id: 'B', parent: 'A', service: 'cart', name: 'get cart', start: 10, end: 40, attrs: { 'cart.items': 3 } },
        { id: 'E', parent: 'A', service: 'auth', name: 'verify token', start: 15, end: 30 },
        { id: 'C', parent: 'A', service: 'payment', name: 'charge', start: 50, end: 90, attrs: { 'payment.amount': 42.5 }, events: [{ name: 'card authorised', at: 52, attrs: { 'card.brand': 'visa' } }] },
        { id: 'D', parent: 'C', service: 'payment-db', name: 'INSERT payments', start: 55, end: 70, kind: 3, attrs: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO payments VALUES ($1, $2)' } },
      ],
    },
    failing: {
      traceId: 'e0000000000000000000000000000002',
      baseMs: t(8),
      spans: [
        { id: 'A', service: 'frontend', name: 'GET /cart', start: 0, end: 30, attrs: { 'http.status_code': 500 } },
        { id: 'B', parent: 'A', service: 'cart', name: 'get cart', start: 5, end: 25, attrs: { 'http.status_code': 500 }, error: 'redis timeout' },
      ],
    },
    slow: {
      traceId: '5000000000000000000000000000000a',
      baseMs: t(6),
      spans: [
        { id: 'A', service: 'frontend', name: 'GET /report', start: 0, end: 2500 },
        { id: 'B', parent: 'A', service: 'reports', name: 'render report', start: 20, end: 2400 },
      ],
    },
    // A compare pair: "after" drops the auth call, adds a second cart call and a fraud check.
    before: {
      traceId: 'b0000000000000000000000000000003',
      baseMs: t(5),
      spans: [
        { id: 'A', service: 'frontend', name: 'POST /order', start: 0, end: 60 },
        { id: 'B', parent: 'A', service: 'cart', name: 'get cart', start: 5, end: 20 },
        { id: 'C', parent: 'A', service: 'auth', name: 'verify token', start: 21, end: 30 },
        { id: 'D', parent: 'A', service: 'payment', name: 'charge', start: 31, end: 55 },
      ],
    },
    after: {
      traceId: 'a0000000000000000000000000000004',
      baseMs: t(4),
      spans: [
        { id: 'A', service: 'frontend', name: 'POST /order', start: 0, end: 80 },
        { id: 'B', parent: 'A', service: 'cart', name: 'get cart', start: 5, end: 20 },
        { id: 'B2', parent: 'A', service: 'cart', name: 'get cart', start: 21, end: 30 },
        { id: 'D', parent: 'A', service: 'payment', name: 'charge', start: 31, end: 75 },
        { id: 'F', parent: 'D', service: 'fraud', name: 'score', start: 35, end: 50 },
      ],
    },
  };
}
