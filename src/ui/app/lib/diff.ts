import type { SpanNode, TraceModel } from './trace-model.ts';

export type DiffState = 'same' | 'added' | 'removed' | 'changed';

export interface DiffNode {
  /** Unique within one diff (for rendering). */
  key: number;
  service: string;
  operation: string;
  /** Spans at this position of the structure in trace A and in trace B. */
  countA: number;
  countB: number;
  durationA: number;
  durationB: number;
  errorsA: number;
  errorsB: number;
  state: DiffState;
  depth: number;
  children: DiffNode[];
  /** Children by service + operation, while merging. */
  byName: Map<string, DiffNode>;
}

export interface TraceDiff {
  roots: DiffNode[];
  /** Depth-first, for rendering. */
  rows: DiffNode[];
  counts: Record<DiffState, number>;
}

/**
 * Merges both span trees by their path of service + operation names (the
 * Jaeger UI's trace diff): same-named siblings fold into one node with a count
 * per side. A node only in B is added, only in A removed, in both with other
 * counts (or errors) changed.
 */
export function diffTraces(a: TraceModel, b: TraceModel): TraceDiff {
  const roots = new Map<string, DiffNode>();
  let nextKey = 0;
  const add = (nodes: readonly SpanNode[], side: 'A' | 'B') => {
    // Keys are per parent (a map on each merged node): a path string would grow with depth.
    const stack: { node: SpanNode; siblings: Map<string, DiffNode>; depth: number }[] = [];
    for (let i = nodes.length - 1; i >= 0; i--) stack.push({ node: nodes[i]!, siblings: roots, depth: 0 });
    while (stack.length > 0) {
      const { node, siblings, depth } = stack.pop()!;
      const name = `${node.service}\u0000${node.span.operationName}`;
      let d = siblings.get(name);
      if (!d) {
        d = { key: nextKey++, service: node.service, operation: node.span.operationName, countA: 0, countB: 0, durationA: 0, durationB: 0, errorsA: 0, errorsB: 0, state: 'same', depth, children: [], byName: new Map() };
        siblings.set(name, d);
      }
      if (side === 'A') {
        d.countA++;
        d.durationA += node.duration;
        if (node.isError) d.errorsA++;
      } else {
        d.countB++;
        d.durationB += node.duration;
        if (node.isError) d.errorsB++;
      }
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, siblings: d.byName, depth: depth + 1 });
    }
  };
  add(a.roots, 'A');
  add(b.roots, 'B');
  const counts: Record<DiffState, number> = { same: 0, added: 0, removed: 0, changed: 0 };
  const rows: DiffNode[] = [];
  const stack = [...roots.values()].reverse();
  while (stack.length > 0) {
    const d = stack.pop()!;
    d.children = [...d.byName.values()];
    d.state = d.countA === 0 ? 'added' : d.countB === 0 ? 'removed' : d.countA !== d.countB || d.errorsA !== d.errorsB ? 'changed' : 'same';
    counts[d.state]++;
    rows.push(d);
    for (let i = d.children.length - 1; i >= 0; i--) stack.push(d.children[i]!);
  }
  return { roots: [...roots.values()], rows, counts };
}
