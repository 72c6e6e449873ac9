import type { TracingConfig } from './config.ts';

/** One proxy span, as Envoy records it: times in microseconds, every tag a string. */
export interface ProxySpan {
  traceId: string;
  id: string;
  parentId: string;
  name: string;
  kind: 'CLIENT' | 'SERVER';
  timestampUs: number;
  durationUs: number;
  serviceName: string;
  ipv4: string;
  tags: Record<string, string>;
}

/**
 * Batches a proxy's spans and posts them to the collector the way Envoy's
 * tracers do: Zipkin v2 JSON (flushed every `flushIntervalMs` or every
 * `maxBatchSpans` spans, 5 s timeout, anything but 2xx dropped and never
 * retried), or OTLP/HTTP JSON with Envoy's resource attributes.
 */
export class SpanReporter {
  private readonly config: TracingConfig;
  private pending: ProxySpan[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  sent = 0;
  dropped = 0;

  constructor(config: TracingConfig) {
    this.config = config;
    this.timer = setInterval(() => this.flush(), config.flushIntervalMs);
    this.timer.unref();
  }

  report(span: ProxySpan): void {
    this.pending.push(span);
    if (this.pending.length >= this.config.maxBatchSpans) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const body = this.config.provider === 'otlp' ? JSON.stringify(toOtlpJson(batch)) : JSON.stringify(batch.map(toZipkinJson));
    const p = fetch(this.config.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    }).then(
      async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        // Envoy's Zipkin tracer counts anything but 202 as dropped; OTLP answers 200.
        if (res.status === 202 || (this.config.provider === 'otlp' && res.status === 200)) this.sent += batch.length;
        else this.dropped += batch.length;
      },
      () => {
        this.dropped += batch.length;
      },
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Flushes what is pending and waits for every post in flight. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await Promise.all([...this.inFlight]);
  }
}

function toZipkinJson(s: ProxySpan): object {
  return {
    traceId: s.traceId,
    id: s.id,
    ...(s.parentId ? { parentId: s.parentId } : {}),
    name: s.name,
    kind: s.kind,
    timestamp: s.timestampUs,
    duration: Math.max(1, s.durationUs),
    localEndpoint: { serviceName: s.serviceName, ipv4: s.ipv4 },
    tags: s.tags,
  };
}

function toOtlpJson(spans: ProxySpan[]): object {
  const byService = new Map<string, ProxySpan[]>();
  for (const s of spans) {
    const list = byService.get(s.serviceName);
    if (list) list.push(s);
    else byService.set(s.serviceName, [s]);
  }
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [str('service.name', service), str('telemetry.sdk.name', 'envoy')] },
      scopeSpans: [
        {
          scope: { name: 'envoy' },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.id,
            parentSpanId: s.parentId,
            name: s.name,
            kind: s.kind === 'SERVER' ? 2 : 3,
            startTimeUnixNano: (BigInt(s.timestampUs) * 1000n).toString(),
            endTimeUnixNano: (BigInt(s.timestampUs + Math.max(1, s.durationUs)) * 1000n).toString(),
            attributes: Object.entries(s.tags).map(([k, v]) => str(k, v)),
            status: s.tags.error === 'true' ? { code: 2 } : {},
          })),
        },
      ],
    })),
  };
}
