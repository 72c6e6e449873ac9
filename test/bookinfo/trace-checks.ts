/** Reading Bookinfo traces back from Waymark's Jaeger API, and what a complete one looks like. */

export interface TSpan {
  traceId: string;
  spanId: string;
  parentId: string;
  service: string;
  kind: string;
  name: string;
  startUs: number;
  durationUs: number;
  tags: Record<string, string>;
  processTags: Record<string, string>;
}

interface JaegerTrace {
  traceID: string;
  spans: {
    traceID: string;
    spanID: string;
    operationName: string;
    references: { refType: string; spanID: string }[];
    startTime: number;
    duration: number;
    tags: { key: string; value: unknown }[];
    processID: string;
  }[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

function simplify(t: JaegerTrace): TSpan[] {
  return t.spans.map((s) => {
    const tags = Object.fromEntries(s.tags.map((x) => [x.key, String(x.value)]));
    const proc = t.processes[s.processID]!;
    return {
      traceId: t.traceID,
      spanId: s.spanID,
      parentId: s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '',
      service: proc.serviceName,
      kind: tags['span.kind'] ?? 'internal',
      name: s.operationName,
      startUs: s.startTime,
      durationUs: s.duration,
      tags,
      processTags: Object.fromEntries(proc.tags.map((x) => [x.key, String(x.value)])),
    };
  });
}

export async function getTrace(queryUrl: string, traceId: string): Promise<TSpan[] | undefined> {
  const res = await fetch(`${queryUrl}/api/traces/${traceId}`);
  if (res.status === 404) {
    await res.arrayBuffer();
    return undefined;
  }
  const body = (await res.json()) as { data: JaegerTrace[] };
  return body.data[0] ? simplify(body.data[0]) : undefined;
}

/** Every trace that has a span matching service + tags (one query, up to `limit` traces). */
export async function searchTraces(queryUrl: string, service: string, tags: Record<string, string>, limit = 5000): Promise<TSpan[][]> {
  const q = new URLSearchParams({ service, tags: JSON.stringify(tags), limit: String(limit), start: String((Date.now() - 3_600_000) * 1000) });
  const res = await fetch(`${queryUrl}/api/traces?${q}`);
  const body = (await res.json()) as { data: JaegerTrace[] };
  return body.data.map(simplify);
}

/**
 * Polls until the trace that the gateway tagged with this x-request-id is
 * `complete`. Apps and sidecars flush on their own timers (every 500 ms and
 * more), so "the span count stopped growing between two polls" is not enough.
 * At the deadline it returns what it has, for the caller's assertions to describe.
 */
export async function waitForTrace(queryUrl: string, requestId: string, complete: (trace: TSpan[]) => boolean, timeoutMs = 20_000): Promise<TSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await searchTraces(queryUrl, 'istio-ingressgateway.istio-system', { 'guid:x-request-id': requestId }, 5);
    if (found[0] && (complete(found[0]) || Date.now() > deadline)) return found[0];
    if (Date.now() > deadline) throw new Error(`no trace for x-request-id ${requestId} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A whole /productpage trace: every hop present and parented (see traceProblems). */
export const isWholeTrace = (trace: TSpan[]): boolean => traceProblems(trace).length === 0;

export const GATEWAY = 'istio-ingressgateway.istio-system';
const SIDECAR = /\.default$/;

/** A sidecar or gateway span: reported over Zipkin (no OpenTelemetry SDK resource) with Envoy's tags. */
export function isProxySpan(s: TSpan): boolean {
  return (s.service === GATEWAY || SIDECAR.test(s.service)) && s.tags.component === 'proxy' && s.tags.response_flags !== undefined && s.processTags['telemetry.sdk.name'] === undefined;
}

export function isAppSpan(s: TSpan): boolean {
  return s.processTags['telemetry.sdk.name'] === 'opentelemetry' && !SIDECAR.test(s.service);
}

/**
 * What makes a Bookinfo /productpage trace complete, hop by hop. Returns the
 * problems found (empty: complete). `ratings` says whether the reviews
 * version called ratings (v2, v3) or not (v1).
 */
export function traceProblems(spans: TSpan[]): string[] {
  const problems: string[] = [];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => s.parentId === '');
  if (roots.length !== 1 || roots[0]!.service !== GATEWAY || roots[0]!.kind !== 'server') problems.push(`expected one root, the gateway's SERVER span; got ${roots.map((r) => `${r.service}/${r.kind}`).join(', ')}`);
  for (const s of spans) if (s.parentId && !byId.has(s.parentId)) problems.push(`${s.service} ${s.name}: parent ${s.parentId} missing`);
  const reviewsServer = spans.find((s) => s.service === 'reviews.default' && s.kind === 'server');
  const version = reviewsServer?.tags['istio.canonical_revision'];
  const hops = ['productpage', 'details', 'reviews', ...(version === 'v1' ? [] : ['ratings'])];
  for (const app of hops) {
    // caller's sidecar CLIENT -> callee's sidecar SERVER -> app SERVER
    const server = spans.filter((s) => s.service === `${app}.default` && s.kind === 'server');
    if (server.length !== 1) {
      problems.push(`${app}: expected one sidecar SERVER span, got ${server.length}`);
      continue;
    }
    const callerClient = byId.get(server[0]!.parentId);
    if (!callerClient || callerClient.kind !== 'client' || !isProxySpan(callerClient) || callerClient.service === server[0]!.service) problems.push(`${app}: the sidecar SERVER span's parent is not the caller's proxy CLIENT span`);
    if (!isProxySpan(server[0]!)) problems.push(`${app}: sidecar SERVER span lacks Envoy's tags`);
    const appServer = spans.filter((s) => s.service === app && s.kind === 'server');
    if (appServer.length !== 1 || appServer[0]!.parentId !== server[0]!.spanId || !isAppSpan(appServer[0]!)) problems.push(`${app}: expected the app's own SERVER span under its sidecar's`);
    // app CLIENT -> its sidecar CLIENT
    for (const c of spans.filter((s) => s.service === app && s.kind === 'client')) {
      const sidecarClients = spans.filter((s) => s.parentId === c.spanId && s.service === `${app}.default` && s.kind === 'client');
      if (sidecarClients.length !== 1) problems.push(`${app}: app CLIENT span ${c.spanId} has ${sidecarClients.length} sidecar CLIENT children`);
    }
  }
  if (version === 'v1' && spans.some((s) => s.service.startsWith('ratings'))) problems.push('reviews v1 must not call ratings');
  const expected = version === 'v1' ? 15 : 20;
  if (spans.length !== expected) problems.push(`expected ${expected} spans for reviews ${version}, got ${spans.length}: ${spans.map((s) => `${s.service}/${s.kind}/${s.name}`).join(', ')}`);
  return problems;
}

/**
 * The critical path as Jaeger's UI computes it: from the end of a span walk
 * back through the children that finished last before the point reached,
 * each in turn; time no child covers is the span's own. Returns every span on
 * the path with the time it contributes itself.
 */
export function criticalPath(spans: TSpan[]): { span: TSpan; selfUs: number }[] {
  const children = new Map<string, TSpan[]>();
  for (const s of spans) {
    const list = children.get(s.parentId);
    if (list) list.push(s);
    else children.set(s.parentId, [s]);
  }
  const out: { span: TSpan; selfUs: number }[] = [];
  const walk = (span: TSpan, limit: number) => {
    const entry = { span, selfUs: 0 };
    out.push(entry);
    let cur = Math.min(span.startUs + span.durationUs, limit);
    const kids = [...(children.get(span.spanId) ?? [])].sort((a, b) => b.startUs + b.durationUs - (a.startUs + a.durationUs));
    for (const child of kids) {
      if (child.startUs >= cur) continue;
      const end = Math.min(child.startUs + child.durationUs, cur);
      entry.selfUs += cur - end;
      walk(child, end);
      cur = Math.max(child.startUs, span.startUs);
    }
    entry.selfUs += Math.max(0, cur - span.startUs);
  };
  const root = spans.find((s) => s.parentId === '');
  if (root) walk(root, Infinity);
  return out;
}
