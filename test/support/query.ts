/** Jaeger's legacy trace JSON, as much as the tests read. */
export interface JaegerJsonTrace {
  traceID: string;
  spans: {
    traceID: string;
    spanID: string;
    flags: number;
    operationName: string;
    references: { refType: string; traceID: string; spanID: string }[];
    startTime: number;
    duration: number;
    tags: { key: string; type: string; value: unknown }[];
    logs: { timestamp: number; fields: { key: string; type: string; value: unknown }[] }[];
    processID: string;
  }[];
  processes: Record<string, { serviceName: string; tags: { key: string; type: string; value: unknown }[] }>;
}

/** Polls GET /api/traces/{id} until the trace has `spans` spans (ingestion is asynchronous for UDP). */
export async function waitForTrace(queryUrl: string, traceId: string, spans: number, timeoutMs = 10_000): Promise<JaegerJsonTrace> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${queryUrl}/api/traces/${traceId}`);
    last = `${res.status} ${await res.text()}`;
    if (res.status === 200) {
      const trace = (JSON.parse(last.slice(4)) as { data: JaegerJsonTrace[] }).data[0]!;
      if (trace.spans.length >= spans) return trace;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`trace ${traceId} did not reach ${spans} spans within ${timeoutMs} ms; last answer: ${last.slice(0, 500)}`);
}

/** GET /api/v3/traces/{id}: OTLP JSON. */
export async function getV3Trace(queryUrl: string, traceId: string): Promise<{ resourceSpans: V3ResourceSpans[] }> {
  const res = await fetch(`${queryUrl}/api/v3/traces/${traceId}`);
  if (res.status !== 200) throw new Error(`GET /api/v3/traces/${traceId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { result: { resourceSpans: V3ResourceSpans[] } }).result;
}

export interface V3ResourceSpans {
  resource: { attributes: { key: string; value: Record<string, unknown> }[] };
  scopeSpans: {
    spans: {
      traceId: string;
      spanId: string;
      parentSpanId?: string;
      name: string;
      kind?: number;
      startTimeUnixNano: string;
      endTimeUnixNano: string;
      attributes?: { key: string; value: Record<string, unknown> }[];
      events?: { name: string; timeUnixNano: string }[];
      status?: { code?: number; message?: string };
    }[];
  }[];
}

export function v3Spans(r: { resourceSpans: V3ResourceSpans[] }): (V3ResourceSpans['scopeSpans'][number]['spans'][number] & { service: string })[] {
  return r.resourceSpans.flatMap((rs) => {
    const svc = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue as string;
    return rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service: svc })));
  });
}

export function tag(tags: { key: string; type: string; value: unknown }[], key: string): { type: string; value: unknown } | undefined {
  const t = tags.find((x) => x.key === key);
  return t && { type: t.type, value: t.value };
}
