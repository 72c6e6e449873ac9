import { useMemo } from 'react';
import type { TraceModel } from '../lib/trace-model.ts';
import { ServiceGraph } from './ServiceGraph.tsx';

/** Which service called which inside this trace, with the number of calls. */
export function TraceGraph({ model }: { model: TraceModel }) {
  const { nodes, edges } = useMemo(() => {
    const counts = new Map<string, number>();
    for (const n of model.nodes) {
      if (!n.parent || n.parent.service === n.service) continue;
      const k = `${n.parent.service}\u0000${n.service}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return {
      nodes: model.services.map((s) => s.name),
      edges: [...counts].map(([k, c]) => {
        const [from, to] = k.split('\u0000') as [string, string];
        return { from, to, label: `${c} call${c === 1 ? '' : 's'}` };
      }),
    };
  }, [model]);
  return (
    <div className="graph-view" data-testid="trace-graph">
      <ServiceGraph nodes={nodes} edges={edges} nodeTitle={(id) => `${id}: ${model.services.find((s) => s.name === id)?.count ?? 0} spans`} />
    </div>
  );
}
