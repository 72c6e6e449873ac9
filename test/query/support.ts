import { Waymark } from '../../src/app/waymark.ts';
import { resolveConfig } from '../../src/config/load.ts';
import { makeResource, makeSpan } from '../../src/model/builders.ts';
import type { Attribute } from '../../src/model/attributes.ts';
import type { Span } from '../../src/model/span.ts';
import { silentTelemetry, type Telemetry } from '../../src/observability/telemetry.ts';
import type { StorageBackend } from '../../src/storage/api/storage.ts';
import { MemoryStore } from '../../src/storage/memory/memory-store.ts';
import { openTestStore } from '../storage/backends.ts';
import { freePort } from '../support/ports.ts';

export interface QueryUnderTest {
  /** http://127.0.0.1:<port><basePath> */
  url: string;
  grpcPort: number;
  telemetry: Telemetry;
  store: StorageBackend;
  stop(): Promise<void>;
}

/**
 * An in-process Waymark in the query role over a store holding `spans`: the
 * memory store, or the backend named by WAYMARK_TEST_STORAGE (test/storage
 * runs these files again against the embedded store that way).
 */
export async function startQuery(spans: Span[], options: { basePath?: string; grpc?: boolean; flags?: Record<string, string> } = {}): Promise<QueryUnderTest> {
  const port = await freePort();
  const grpcPort = options.grpc ? await freePort() : 0;
  const config = resolveConfig({
    flags: {
      host: '127.0.0.1',
      'query.port': String(port),
      'query.grpcPort': String(grpcPort),
      'admin.port': '0',
      ...(options.basePath ? { 'query.basePath': options.basePath } : {}),
      ...options.flags,
    },
    env: {},
  });
  const backend = process.env.WAYMARK_TEST_STORAGE;
  const store = backend ? await openTestStore(backend) : new MemoryStore({ maxTraces: 10_000 });
  await store.writer.writeSpans(spans);
  const telemetry = silentTelemetry();
  const waymark = new Waymark({ role: 'query', config, telemetry, storage: store });
  await waymark.start();
  const base = config.query.basePath === '/' ? '' : config.query.basePath;
  // Waymark closes the store it was given on shutdown.
  return { url: `http://127.0.0.1:${port}${base}`, grpcPort, telemetry, store, stop: () => waymark.shutdown() };
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

/** Nanoseconds for "minutes ago", so spans fall inside the default search window. */
export function minutesAgo(min: number): bigint {
  return BigInt(Date.now() - min * 60_000) * 1_000_000n;
}

export function trace(n: number): string {
  return n.toString(16).padStart(32, '0').replace(/^0/, 'a');
}

export interface SpanSpec {
  trace: string;
  span: string;
  parent?: string;
  service?: string;
  name?: string;
  start?: bigint;
  durationNs?: bigint;
  attrs?: Attribute[];
  resourceAttrs?: Attribute[];
  extra?: Partial<Span>;
}

export function span(s: SpanSpec): Span {
  const start = s.start ?? minutesAgo(10);
  return makeSpan({
    traceId: s.trace,
    spanId: s.span,
    parentSpanId: s.parent ?? '',
    name: s.name ?? 'op',
    startTimeUnixNano: start,
    endTimeUnixNano: start + (s.durationNs ?? 1_000_000n),
    resource: makeResource([{ key: 'service.name', value: s.service ?? 'svc' }, ...(s.resourceAttrs ?? [])]),
    attributes: s.attrs ?? [],
    ...s.extra,
  });
}
