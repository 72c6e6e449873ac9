/**
 * The demo's traffic: a few requests a second through the gateway, a mix of
 * anonymous readers, jason (routed to reviews v2), and the users the
 * Bookinfo rules delay or fail (`delayed`, `faulty`).
 */
export interface LoadGenerator {
  sent: number;
  failed: number;
  stop(): Promise<void>;
}

const MIX: { weight: number; path: string; user?: string }[] = [
  { weight: 50, path: '/productpage' },
  { weight: 20, path: '/productpage', user: 'jason' },
  { weight: 10, path: '/productpage', user: 'delayed' },
  { weight: 10, path: '/productpage', user: 'faulty' },
  { weight: 10, path: '/api/v1/products/0/reviews' },
];

export function startLoad(gatewayUrl: string, rps: number, random: () => number = Math.random): LoadGenerator {
  const inFlight = new Set<Promise<void>>();
  const gen: LoadGenerator = {
    sent: 0,
    failed: 0,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
  const total = MIX.reduce((s, m) => s + m.weight, 0);
  const tick = () => {
    // Never pile up: a stuck demo should not grow an unbounded queue of requests.
    if (inFlight.size >= 50) return;
    let pick = random() * total;
    const m = MIX.find((x) => (pick -= x.weight) < 0) ?? MIX[0]!;
    const headers: Record<string, string> = { 'user-agent': 'waymark-demo-load' };
    if (m.user) headers.cookie = `session=${m.user}`;
    gen.sent++;
    const p = fetch(gatewayUrl + m.path, { headers, signal: AbortSignal.timeout(15_000) }).then(
      async (res) => {
        await res.arrayBuffer();
      },
      () => {
        gen.failed++;
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const timer = setInterval(tick, rps > 0 ? 1000 / rps : 1_000_000);
  if (rps <= 0) clearInterval(timer);
  return gen;
}
