import type { Attribute } from '../../src/model/attributes.ts';
import { makeResource } from '../../src/model/builders.ts';
import type { InstrumentationScope, Resource, Span } from '../../src/model/span.ts';

/**
 * Deterministic traffic of an online shop, for the benchmarks: the same seed
 * gives the same spans, byte for byte (IDs and times included).
 *
 * Services (each with 3 instances, so 3 resources per service):
 *   frontend        HTTP server: GET /, GET /product/{id}, GET /cart, POST /cart, POST /checkout
 *   product-catalog gRPC: GetProduct, ListProducts, SearchProducts
 *   cart            gRPC: GetCart, AddItem, EmptyCart  -> redis GET/SET
 *   checkout        gRPC: PlaceOrder -> payment, shipping, email, currency
 *   payment         gRPC: Charge (about 2% errors)
 *   shipping        gRPC: GetQuote, ShipOrder
 *   currency        gRPC: Convert
 *   recommendation  gRPC: ListRecommendations
 *   email           gRPC: SendOrderConfirmation
 *   inventory-db    postgres client spans: SELECT / UPDATE on products, orders
 *
 * A trace is one frontend request and its fan-out, 10 spans on average
 * (between 4 and 17 by route). Every span carries 8 to 12 attributes:
 *   low cardinality:  http.request.method (2), http.route (5), rpc.system (1), rpc.service (9),
 *                     rpc.method (~20), db.system (2), db.operation.name (4), server.address (10),
 *                     network.protocol.version (2), http.response.status_code (5),
 *                     app.region (4), deployment.environment (1)
 *   medium:           app.product.id (2,000), app.currency (6), user_agent.original (20),
 *                     db.query.text (12 templates)
 *   high:             app.user.id (100,000), app.session.id (one per trace), app.order.id (one per order),
 *                     app.cart.items (int 1..20), app.price (double)
 * Resources carry service.name, service.version, service.instance.id, host.name,
 * k8s.pod.name, telemetry.sdk.language, deployment.environment.
 * Durations are log-normal-ish (a few ms for cache calls, tens to hundreds of ms at the edge).
 */
export interface ShopTrafficOptions {
  seed: number;
  /** Time of the first trace; traces are spaced ~2 ms apart. */
  startTimeUnixNano?: bigint;
}

export class ShopTraffic {
  private readonly rand: () => number;
  private now: bigint;
  private readonly resources = new Map<string, Resource[]>();
  private readonly scopes = new Map<string, InstrumentationScope>();
  private traceCount = 0;

  constructor(options: ShopTrafficOptions) {
    this.rand = mulberry32(options.seed);
    this.now = options.startTimeUnixNano ?? 1_750_000_000_000_000_000n;
  }

  /** At least `n` spans: whole traces, so the count may exceed n by up to one trace. */
  spans(n: number): Span[] {
    const out: Span[] = [];
    while (out.length < n) out.push(...this.trace());
    return out;
  }

  /** One whole trace, root first. */
  trace(): Span[] {
    this.traceCount++;
    this.now += BigInt(1_000_000 + this.int(2_000_000));
    const traceId = this.hex(32);
    const ctx: TraceContext = {
      traceId,
      spans: [],
      session: this.hex(16),
      user: `user-${this.int(100_000)}`,
      region: pick(this.rand, REGIONS),
      ua: USER_AGENTS[this.int(USER_AGENTS.length)]!,
    };
    const route = pick(this.rand, ROUTES);
    const rootDur = 20_000_000 + this.int(300_000_000);
    const root = this.span(ctx, 'frontend', `${route.method} ${route.route}`, 2, '', this.now, rootDur, [
      { key: 'http.request.method', value: route.method },
      { key: 'http.route', value: route.route },
      { key: 'url.path', value: route.route.replace('{id}', this.product()) },
      { key: 'http.response.status_code', value: BigInt(this.rand() < 0.01 ? 500 : route.method === 'POST' ? 201 : 200) },
      { key: 'network.protocol.version', value: this.rand() < 0.7 ? '1.1' : '2' },
      { key: 'user_agent.original', value: ctx.ua },
    ]);
    let t = this.now + 1_000_000n;
    for (const call of route.calls) {
      const [service, method] = call;
      const dur = 2_000_000 + this.int(Math.max(1, rootDur / (route.calls.length + 1)));
      const client = this.span(ctx, 'frontend', `${RPC_SERVICE[service]}/${method}`, 3, root.spanId, t, dur, this.rpcAttrs(service, method, true));
      const server = this.span(ctx, service, `${RPC_SERVICE[service]}/${method}`, 2, client.spanId, t + 300_000n, dur - 600_000, this.rpcAttrs(service, method, false));
      for (const db of DB_CALLS[service] ?? []) {
        const d = 300_000 + this.int(5_000_000);
        this.span(ctx, db.system === 'redis' ? service : 'inventory-db', db.op, 3, server.spanId, t + 400_000n, d, [
          { key: 'db.system', value: db.system },
          { key: 'db.operation.name', value: db.op.split(' ')[0]! },
          { key: 'db.query.text', value: db.text },
          { key: 'server.address', value: db.system === 'redis' ? 'redis-cart:6379' : 'postgres-0.inventory' },
          { key: 'db.rows_affected', value: BigInt(this.int(50)) },
        ]);
      }
      t += BigInt(dur) + 200_000n;
    }
    return ctx.spans;
  }

  private rpcAttrs(service: string, method: string, client: boolean): Attribute[] {
    const a: Attribute[] = [
      { key: 'rpc.system', value: 'grpc' },
      { key: 'rpc.service', value: RPC_SERVICE[service]! },
      { key: 'rpc.method', value: method },
      { key: 'rpc.grpc.status_code', value: 0n },
      { key: 'server.address', value: `${service}:8080` },
      { key: 'network.protocol.version', value: '2' },
    ];
    if (service === 'product-catalog' || service === 'recommendation') a.push({ key: 'app.product.id', value: this.product() });
    if (service === 'cart' || service === 'checkout') a.push({ key: 'app.cart.items', value: BigInt(1 + this.int(20)) });
    if (service === 'checkout' || service === 'payment' || service === 'email') a.push({ key: 'app.order.id', value: `order-${this.traceCount}` });
    if (service === 'currency' || service === 'payment') {
      a.push({ key: 'app.currency', value: pick(this.rand, CURRENCIES) });
      a.push({ key: 'app.price', value: Math.round(this.rand() * 50_000) / 100 });
    }
    if (!client) a.push({ key: 'app.sampled', value: true });
    return a;
  }

  private span(ctx: TraceContext, service: string, name: string, kind: 2 | 3, parent: string, start: bigint, durNs: number, extra: Attribute[]): Span {
    const failed = service === 'payment' && this.rand() < 0.02;
    const attributes: Attribute[] = [
      ...extra,
      { key: 'app.user.id', value: ctx.user },
      { key: 'app.session.id', value: ctx.session },
      { key: 'app.region', value: ctx.region },
    ];
    while (attributes.length < 8) attributes.push({ key: `app.extra.${attributes.length}`, value: BigInt(this.int(1000)) });
    const s: Span = {
      traceId: ctx.traceId,
      spanId: this.hex(16),
      parentSpanId: parent,
      traceState: '',
      name,
      kind,
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(Math.max(1000, Math.round(durNs))),
      attributes,
      droppedAttributesCount: 0,
      events: failed
        ? [{ timeUnixNano: start + 1000n, name: 'exception', attributes: [{ key: 'exception.type', value: 'CardDeclined' }, { key: 'exception.message', value: 'card declined by issuer' }], droppedAttributesCount: 0 }]
        : [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: failed ? { code: 2, message: 'card declined' } : { code: 0, message: '' },
      flags: 1,
      resource: this.resource(service),
      scope: this.scope(service),
    };
    ctx.spans.push(s);
    return s;
  }

  private resource(service: string): Resource {
    let list = this.resources.get(service);
    if (list === undefined) {
      list = [0, 1, 2].map((i) =>
        makeResource([
          { key: 'service.name', value: service },
          { key: 'service.version', value: '1.4.2' },
          { key: 'service.instance.id', value: `${service}-${i}` },
          { key: 'host.name', value: `node-${(service.length + i) % 10}` },
          { key: 'k8s.pod.name', value: `${service}-7d9f8b-${i}` },
          { key: 'telemetry.sdk.language', value: service === 'frontend' ? 'nodejs' : 'go' },
          { key: 'deployment.environment', value: 'production' },
        ]),
      );
      this.resources.set(service, list);
    }
    return list[this.traceCount % 3]!;
  }

  private scope(service: string): InstrumentationScope {
    let s = this.scopes.get(service);
    if (s === undefined) {
      s = { name: `io.shop.${service}`, version: '1.0.0', attributes: [], droppedAttributesCount: 0 };
      this.scopes.set(service, s);
    }
    return s;
  }

  private product(): string {
    return `P${String(this.int(2000)).padStart(5, '0')}`;
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += Math.floor(this.rand() * 0x100000000).toString(16).padStart(8, '0');
    s = s.slice(0, chars);
    return /^0+$/.test(s) ? '1'.padStart(chars, '0') : s;
  }
}

interface TraceContext {
  traceId: string;
  spans: Span[];
  session: string;
  user: string;
  region: string;
  ua: string;
}

const RPC_SERVICE: Record<string, string> = {
  'product-catalog': 'shop.ProductCatalogService',
  cart: 'shop.CartService',
  checkout: 'shop.CheckoutService',
  payment: 'shop.PaymentService',
  shipping: 'shop.ShippingService',
  currency: 'shop.CurrencyService',
  recommendation: 'shop.RecommendationService',
  email: 'shop.EmailService',
  ad: 'shop.AdService',
};

/** Each route's calls: [service, method]; each call is a client span plus a server span (+ its db spans). */
const ROUTES: { method: string; route: string; calls: [string, string][] }[] = [
  { method: 'GET', route: '/', calls: [['product-catalog', 'ListProducts'], ['currency', 'Convert'], ['recommendation', 'ListRecommendations'], ['ad', 'GetAds']] },
  { method: 'GET', route: '/product/{id}', calls: [['product-catalog', 'GetProduct'], ['currency', 'Convert'], ['recommendation', 'ListRecommendations']] },
  { method: 'GET', route: '/cart', calls: [['cart', 'GetCart'], ['currency', 'Convert'], ['shipping', 'GetQuote']] },
  { method: 'POST', route: '/cart', calls: [['cart', 'AddItem'], ['product-catalog', 'GetProduct']] },
  { method: 'POST', route: '/checkout', calls: [['checkout', 'PlaceOrder'], ['payment', 'Charge'], ['shipping', 'ShipOrder'], ['email', 'SendOrderConfirmation'], ['cart', 'EmptyCart']] },
];

const DB_CALLS: Record<string, { system: string; op: string; text: string }[]> = {
  'product-catalog': [{ system: 'postgresql', op: 'SELECT products', text: 'SELECT id, name, price FROM products WHERE id = $1' }],
  cart: [{ system: 'redis', op: 'HGETALL', text: 'HGETALL cart:{user}' }],
  checkout: [{ system: 'postgresql', op: 'INSERT orders', text: 'INSERT INTO orders (id, user_id, total) VALUES ($1, $2, $3)' }],
  shipping: [{ system: 'postgresql', op: 'SELECT rates', text: 'SELECT rate FROM shipping_rates WHERE zone = $1' }],
};

const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-southeast-2'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CAD', 'CHF'];
const USER_AGENTS = Array.from({ length: 20 }, (_, i) => `Mozilla/5.0 (shop-bench ${i}) AppleWebKit/537.36 Chrome/12${i % 10}.0 Safari/537.36`);

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** A small, fast, well-distributed 32-bit PRNG (public domain). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
