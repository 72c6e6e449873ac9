import type { JaegerSpan, JaegerTrace, KeyValue, Process } from './types.ts';

export interface SpanNode {
  span: JaegerSpan;
  id: string;
  /** Position in depth-first order (the timeline's row order when nothing is collapsed). */
  index: number;
  parent: SpanNode | undefined;
  children: SpanNode[];
  depth: number;
  service: string;
  process: Process;
  /** Microseconds since the trace's start. */
  start: number;
  end: number;
  duration: number;
  isError: boolean;
  /** The span's duration less the time covered by its children. */
  selfTime: number;
  /** Number of spans below this one. */
  descendants: number;
}

export interface TraceModel {
  traceID: string;
  /** Every span in depth-first order, children by start time. */
  nodes: SpanNode[];
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  /** Absolute start in microseconds since the epoch. */
  startTime: number;
  duration: number;
  depth: number;
  services: { name: string; count: number; errors: number }[];
  errorCount: number;
  rootService: string;
  rootOperation: string;
}

export function isErrorSpan(span: JaegerSpan): boolean {
  for (const t of span.tags ?? []) {
    if (t.key === 'error' && (t.value === true || t.value === 'true')) return true;
    if (t.key === 'otel.status_code' && t.value === 'ERROR') return true;
  }
  return false;
}

export function tagValue(tags: readonly KeyValue[] | null | undefined, key: string): unknown {
  return tags?.find((t) => t.key === key)?.value;
}

/** The first CHILD_OF reference names the parent, as in Jaeger; failing that, the first reference. */
export function parentId(span: JaegerSpan): string | undefined {
  const refs = span.references ?? [];
  const ref = refs.find((r) => r.refType === 'CHILD_OF' && r.traceID === span.traceID) ?? refs.find((r) => r.traceID === span.traceID);
  return ref?.spanID;
}

/**
 * Builds the span tree. Iterative throughout: a 50,000-span trace can be a
 * 50,000-deep chain, deeper than the call stack.
 */
export function buildTraceModel(trace: JaegerTrace): TraceModel {
  const spans = trace.spans;
  let startTime = Infinity;
  let endTime = -Infinity;
  for (const s of spans) {
    if (s.startTime < startTime) startTime = s.startTime;
    if (s.startTime + s.duration > endTime) endTime = s.startTime + s.duration;
  }
  if (spans.length === 0) startTime = endTime = 0;
  const byId = new Map<string, SpanNode>();
  const all: SpanNode[] = [];
  for (const span of spans) {
    const process = trace.processes[span.processID] ?? { serviceName: span.processID || 'unknown' };
    const node: SpanNode = {
      span,
      id: span.spanID,
      index: 0,
      parent: undefined,
      children: [],
      depth: 0,
      service: process.serviceName,
      process,
      start: span.startTime - startTime,
      end: span.startTime - startTime + span.duration,
      duration: span.duration,
      isError: isErrorSpan(span),
      selfTime: span.duration,
      descendants: 0,
    };
    // A repeated span ID (a retried span the adjusters kept) must not hide the first one.
    if (!byId.has(span.spanID)) byId.set(span.spanID, node);
    all.push(node);
  }
  const roots: SpanNode[] = [];
  for (const node of all) {
    const pid = parentId(node.span);
    const parent = pid !== undefined ? byId.get(pid) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  roots.sort(byStart);
  const nodes: SpanNode[] = [];
  const visited = new Set<SpanNode>();
  let depth = 0;
  const walk = (from: SpanNode) => {
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop()!;
      visited.add(node);
      node.depth = node.parent ? node.parent.depth + 1 : 0;
      if (node.depth + 1 > depth) depth = node.depth + 1;
      node.index = nodes.length;
      nodes.push(node);
      node.children.sort(byStart);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  };
  for (const r of roots) walk(r);
  // Spans in a reference cycle (a -> b -> a) are unreachable from any root: cut each cycle at its first span.
  if (nodes.length < all.length) {
    for (const node of all) {
      if (visited.has(node)) continue;
      const p = node.parent!;
      p.children.splice(p.children.indexOf(node), 1);
      node.parent = undefined;
      roots.push(node);
      walk(node);
    }
  }
  // Children come after their parent in DFS order, so walking backwards sees every child first.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    node.selfTime = selfTime(node);
    if (node.parent) node.parent.descendants += node.descendants + 1;
  }
  const services = new Map<string, { name: string; count: number; errors: number }>();
  let errorCount = 0;
  for (const n of nodes) {
    const svc = services.get(n.service) ?? services.set(n.service, { name: n.service, count: 0, errors: 0 }).get(n.service)!;
    svc.count++;
    if (n.isError) {
      svc.errors++;
      errorCount++;
    }
  }
  const root = roots[0];
  return {
    traceID: trace.traceID,
    nodes,
    roots,
    byId,
    startTime,
    duration: endTime - startTime,
    depth,
    services: [...services.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
    errorCount,
    rootService: root?.service ?? '',
    rootOperation: root?.span.operationName ?? '',
  };
}

/** The span's time not covered by any child, children clipped to the span. */
function selfTime(node: SpanNode): number {
  if (node.children.length === 0) return node.duration;
  let covered = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const c of node.children) {
    const s = Math.max(c.start, node.start);
    const e = Math.min(c.end, node.end);
    if (e <= s) continue;
    if (s > curEnd) {
      if (curEnd > curStart) covered += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else if (e > curEnd) curEnd = e;
  }
  if (curEnd > curStart) covered += curEnd - curStart;
  return Math.max(0, node.duration - covered);
}

/** Rows to show: depth-first order, skipping the subtrees of collapsed spans. */
export function visibleNodes(model: TraceModel, collapsed: ReadonlySet<string>): SpanNode[] {
  if (collapsed.size === 0) return model.nodes;
  const out: SpanNode[] = [];
  const nodes = model.nodes;
  for (let i = 0; i < nodes.length; ) {
    const n = nodes[i]!;
    out.push(n);
    i += collapsed.has(n.id) ? n.descendants + 1 : 1;
  }
  return out;
}
