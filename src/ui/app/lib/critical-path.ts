import type { SpanNode, TraceModel } from './trace-model.ts';

export interface CriticalSection {
  node: SpanNode;
  /** Microseconds since the trace's start. */
  start: number;
  end: number;
}

interface Frame {
  node: SpanNode;
  start: number;
  /** Everything after the cursor is already accounted for. */
  cursor: number;
  kids: { node: SpanNode; start: number; end: number }[];
  next: number;
}

/**
 * The critical path, as Jaeger computes it: from the root's end walk backwards;
 * the last child to finish before the cursor was what the parent waited on, so
 * the path goes into it, and resumes in the parent before that child's start.
 * Children are clipped to their parent. Iterative: traces can be very deep.
 */
export function criticalPath(model: TraceModel): CriticalSection[] {
  const root = model.roots[0];
  if (!root) return [];
  const out: CriticalSection[] = [];
  const stack: Frame[] = [frame(root, root.start, root.end)];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    let found: Frame['kids'][number] | undefined;
    while (f.next < f.kids.length) {
      const k = f.kids[f.next++]!;
      if (k.end <= f.cursor) {
        found = k;
        break;
      }
    }
    if (found) {
      if (found.end < f.cursor) out.push({ node: f.node, start: found.end, end: f.cursor });
      f.cursor = found.start;
      stack.push(frame(found.node, found.start, found.end));
    } else {
      if (f.cursor > f.start || out.length === 0) out.push({ node: f.node, start: f.start, end: f.cursor });
      stack.pop();
    }
  }
  return out;
}

function frame(node: SpanNode, start: number, end: number): Frame {
  const kids: Frame['kids'] = [];
  for (const c of node.children) {
    const s = Math.max(c.start, start);
    const e = Math.min(c.end, end);
    if (c.start > end || e < s) continue;
    kids.push({ node: c, start: s, end: e });
  }
  kids.sort((a, b) => b.end - a.end || b.start - a.start);
  return { node, start, cursor: end, kids, next: 0 };
}

/** Per span, the time ranges on the critical path. */
export function criticalSectionsBySpan(sections: readonly CriticalSection[]): Map<string, CriticalSection[]> {
  const map = new Map<string, CriticalSection[]>();
  for (const s of sections) (map.get(s.node.id) ?? map.set(s.node.id, []).get(s.node.id)!).push(s);
  return map;
}
