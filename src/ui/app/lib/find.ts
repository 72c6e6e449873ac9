import type { SpanNode, TraceModel } from './trace-model.ts';

/**
 * Spans matching the find box (the Jaeger UI's uiFind): every word must occur
 * in the service, operation, span ID, or a tag/process tag/log as key=value.
 */
export function findSpans(model: TraceModel, text: string): SpanNode[] {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [];
  const out: SpanNode[] = [];
  for (const n of model.nodes) {
    const hay = haystack(n);
    if (words.every((w) => hay.includes(w))) out.push(n);
  }
  return out;
}

function haystack(n: SpanNode): string {
  const parts = [n.service, n.span.operationName, n.id];
  for (const t of n.span.tags ?? []) parts.push(`${t.key}=${String(t.value)}`);
  for (const t of n.process.tags ?? []) parts.push(`${t.key}=${String(t.value)}`);
  for (const l of n.span.logs ?? []) for (const f of l.fields) parts.push(`${f.key}=${String(f.value)}`);
  return parts.join(' ').toLowerCase();
}
