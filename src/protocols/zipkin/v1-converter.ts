import type { V1Annotation, V1Span } from './v1-span.ts';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin-span.ts';

/**
 * Zipkin v1 -> v2 span semantics, following the rules of Zipkin's own
 * V1SpanConverter:
 * - A v1 span holds what every host logged about one RPC. Annotations are
 *   grouped by the service name of the endpoint that logged them; each group
 *   becomes one v2 span with that endpoint as localEndpoint.
 * - cs/cr make the group a CLIENT, sr/ss a SERVER, ms a PRODUCER, mr a
 *   CONSUMER; these core annotations become timestamp and duration, not
 *   annotations. With both cs and sr, the server side is `shared` (same span
 *   ID as the client): on loopback (same service) it is forked into its own span.
 * - ca/sa/ma address annotations become the remoteEndpoint of the span on
 *   the other side; string binary annotations become tags; an empty "lc" is dropped.
 */
export function v1ToV2(spans: readonly V1Span[]): ZipkinSpan[] {
  const out: ZipkinSpan[] = [];
  for (const s of spans) out.push(...new Conversion(s).run());
  return out;
}

interface Builder {
  localEndpoint: ZipkinEndpoint | undefined;
  kind: ZipkinKind | undefined;
  timestamp: number | undefined;
  duration: number | undefined;
  shared: boolean;
  remoteEndpoint: ZipkinEndpoint | undefined;
  annotations: ZipkinAnnotation[];
  tags: Map<string, string>;
}

type Core = 'cs' | 'sr' | 'ss' | 'cr' | 'ms' | 'mr' | 'ws' | 'wr';
const CORE_KIND: Record<Core, ZipkinKind | undefined> = {
  cs: 'CLIENT',
  cr: 'CLIENT',
  sr: 'SERVER',
  ss: 'SERVER',
  ms: 'PRODUCER',
  mr: 'CONSUMER',
  ws: undefined,
  wr: undefined,
};

class Conversion {
  private readonly source: V1Span;
  private readonly first: Builder = newBuilder(undefined);
  private readonly others: Builder[] = [];
  private readonly core: Partial<Record<Core, V1Annotation>> = {};

  constructor(source: V1Span) {
    this.source = source;
  }

  run(): ZipkinSpan[] {
    this.annotations();
    this.binaryAnnotations();
    return [this.first, ...this.others].map((b) => this.build(b));
  }

  private annotations(): void {
    const src = this.source;
    const core = this.core;
    for (const a of src.annotations) {
      const span = this.forEndpoint(a.endpoint);
      // Core annotations only count when they say which host logged them.
      if (a.endpoint && Object.hasOwn(CORE_KIND, a.value)) {
        const name = a.value as Core;
        const kind = CORE_KIND[name];
        if (kind) span.kind = kind;
        core[name] = a;
      } else {
        span.annotations.push({ timestamp: a.timestamp, value: a.value });
      }
    }
    const { cr, ss } = core;
    // Bridged from an event model, a span may carry its end annotation and explicit times but no start annotation.
    if (!core.cs && cr && this.endMatchesDuration(cr)) core.cs = { timestamp: src.timestamp!, value: 'cs', endpoint: cr.endpoint };
    if (!core.sr && ss && this.endMatchesDuration(ss)) core.sr = { timestamp: src.timestamp!, value: 'sr', endpoint: ss.endpoint };
    const { cs, sr } = core;

    if (cs && sr) {
      // Shared RPC span: the client side owns the v1 timestamp/duration.
      this.timesFrom(cs, cr);
      const client = this.forEndpoint(cs.endpoint);
      let server: Builder;
      if (sameService(cs.endpoint, sr.endpoint)) {
        client.kind = 'CLIENT';
        server = this.fork(sr.endpoint);
        server.kind = 'SERVER';
      } else {
        server = this.forEndpoint(sr.endpoint);
      }
      server.shared = true;
      server.timestamp = sr.timestamp;
      if (ss) server.duration = ss.timestamp - sr.timestamp;
      if (!cr && src.duration === undefined) client.duration = undefined; // one-way: no duration
    } else if (cs && cr) {
      this.timesFrom(cs, cr);
    } else if (sr && ss) {
      this.timesFrom(sr, ss);
    } else {
      this.incompleteRpc();
    }

    // v1 had no shared flag: a server side without the span's own timestamp was, by convention, shared.
    if (!cs && sr && (src.timestamp === undefined || (ss && src.duration === undefined))) {
      this.forEndpoint(sr.endpoint).shared = true;
    }

    this.messaging();
  }

  private messaging(): void {
    const { ms, mr, ws, wr } = this.core;
    if (ms && mr) {
      const producer = this.forEndpoint(ms.endpoint);
      let consumer: Builder;
      if (sameService(ms.endpoint, mr.endpoint)) {
        producer.kind = 'PRODUCER';
        consumer = this.fork(mr.endpoint);
        consumer.kind = 'CONSUMER';
      } else {
        consumer = this.forEndpoint(mr.endpoint);
      }
      consumer.shared = true;
      consumer.timestamp = wr ? wr.timestamp : mr.timestamp;
      consumer.duration = wr ? mr.timestamp - wr.timestamp : undefined;
      producer.timestamp = ms.timestamp;
      producer.duration = ws ? ws.timestamp - ms.timestamp : undefined;
    } else if (ms) {
      this.timesFrom(ms, ws);
    } else if (mr) {
      if (wr) this.timesFrom(wr, mr);
      else this.timesFrom(mr, undefined);
    } else {
      // Wire events without a messaging span are plain annotations.
      for (const w of [ws, wr]) if (w) this.forEndpoint(w.endpoint).annotations.push({ timestamp: w.timestamp, value: w.value });
    }
  }

  /** Only one side of an RPC was seen: its start annotation gives the time, its end stays an annotation. */
  private incompleteRpc(): void {
    const { cs, cr, sr, ss } = this.core;
    for (const b of [this.first, ...this.others]) {
      if (b.kind === 'CLIENT') {
        if (cs) b.timestamp = cs.timestamp;
        if (cr) b.annotations.push({ timestamp: cr.timestamp, value: cr.value });
      } else if (b.kind === 'SERVER') {
        if (sr) b.timestamp = sr.timestamp;
        if (ss) b.annotations.push({ timestamp: ss.timestamp, value: ss.value });
      }
    }
    if (this.source.timestamp !== undefined) {
      this.first.timestamp = this.source.timestamp;
      this.first.duration = this.source.duration;
    }
  }

  private endMatchesDuration(end: V1Annotation): boolean {
    const { timestamp, duration } = this.source;
    return timestamp !== undefined && duration !== undefined && timestamp + duration === end.timestamp;
  }

  /** Explicit v1 timestamp and duration win; otherwise the annotations give them. */
  private timesFrom(begin: V1Annotation, end: V1Annotation | undefined): void {
    const span = this.forEndpoint(begin.endpoint);
    const { timestamp, duration } = this.source;
    if (timestamp !== undefined && duration !== undefined) {
      span.timestamp = timestamp;
      span.duration = duration;
    } else {
      span.timestamp = begin.timestamp;
      if (end) span.duration = end.timestamp - begin.timestamp;
    }
  }

  private binaryAnnotations(): void {
    const addr: Partial<Record<'ca' | 'sa' | 'ma', ZipkinEndpoint>> = {};
    for (const b of this.source.binaryAnnotations) {
      if (b.stringValue === undefined) {
        addr[b.key as 'ca' | 'sa' | 'ma'] = b.endpoint;
        continue;
      }
      const span = this.forEndpoint(b.endpoint);
      if (b.key === 'lc' && b.stringValue === '') continue; // a marker, not a tag
      span.tags.set(b.key, b.stringValue);
    }
    const { cs, cr, sr, ss, ms, mr } = this.core;
    let { ca, sa } = addr;
    const ma = addr.ma;
    if (!cs && !cr && !ss && !sr && (ca || sa)) {
      // No core annotations: the addresses alone say which side this is.
      if (ca && sa) this.forEndpoint(ca).remoteEndpoint = sa;
      else if (sa) this.forEndpoint(undefined).remoteEndpoint = sa;
      else {
        const server = this.forEndpoint(undefined);
        server.kind = 'SERVER';
        server.remoteEndpoint = ca;
      }
      return;
    }
    const server = sr ?? ss;
    if (ca && server && !sameEndpoint(ca, server.endpoint)) {
      // Finagle logs the client socket as "ca" under the server's own name; dropping it avoids a loopback link.
      if (sameService(ca, server.endpoint)) ca = { ...ca, serviceName: undefined };
      this.forEndpoint(server.endpoint).remoteEndpoint = ca;
    }
    if (sa) {
      const client = cs ?? cr;
      if (client) this.forEndpoint(client.endpoint).remoteEndpoint = sa;
    }
    if (ma) {
      if (ms) this.forEndpoint(ms.endpoint).remoteEndpoint = ma;
      if (mr) this.forEndpoint(mr.endpoint).remoteEndpoint = ma;
    }
  }

  /** The v2 span for the host that logged something; data without a host goes to the first span. */
  private forEndpoint(e: ZipkinEndpoint | undefined): Builder {
    if (!e) return this.first;
    for (const b of [this.first, ...this.others]) {
      if (!b.localEndpoint) {
        b.localEndpoint = e;
        return b;
      }
      if (sameService(b.localEndpoint, e)) return b;
    }
    return this.fork(e);
  }

  private fork(e: ZipkinEndpoint | undefined): Builder {
    const b = newBuilder(e);
    this.others.push(b);
    return b;
  }

  private build(b: Builder): ZipkinSpan {
    const s = this.source;
    return {
      index: s.index,
      traceId: s.traceId,
      id: s.id,
      parentId: s.parentId,
      name: s.name,
      kind: b.kind,
      timestamp: b.timestamp || undefined,
      duration: b.duration !== undefined && b.duration > 0 ? b.duration : undefined,
      localEndpoint: b.localEndpoint,
      remoteEndpoint: b.remoteEndpoint,
      annotations: b.annotations.sort((x, y) => x.timestamp - y.timestamp),
      tags: [...b.tags],
      debug: s.debug,
      shared: b.shared,
    };
  }
}

function newBuilder(localEndpoint: ZipkinEndpoint | undefined): Builder {
  return {
    localEndpoint,
    kind: undefined,
    timestamp: undefined,
    duration: undefined,
    shared: false,
    remoteEndpoint: undefined,
    annotations: [],
    tags: new Map(),
  };
}

function sameService(a: ZipkinEndpoint | undefined, b: ZipkinEndpoint | undefined): boolean {
  return a?.serviceName === b?.serviceName;
}

function sameEndpoint(a: ZipkinEndpoint, b: ZipkinEndpoint | undefined): boolean {
  return !!b && a.serviceName === b.serviceName && a.ipv4 === b.ipv4 && a.ipv6 === b.ipv6 && a.port === b.port;
}
