import { Graph, layout } from '@dagrejs/dagre';
import { useMemo } from 'react';
import { serviceColor } from '../lib/colors.ts';

export interface GraphEdgeIn {
  from: string;
  to: string;
  label: string;
}

const NODE_W = 170;
const NODE_H = 40;

/** Services as boxes, calls as arrows, laid out left to right by dagre. */
export function ServiceGraph({ nodes, edges, onNodeClick, nodeTitle }: { nodes: readonly string[]; edges: readonly GraphEdgeIn[]; onNodeClick?: (id: string) => void; nodeTitle?: (id: string) => string }) {
  const laid = useMemo(() => {
    const g = new Graph({ multigraph: false });
    g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 90, marginx: 20, marginy: 20 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of nodes) g.setNode(n, { width: NODE_W, height: NODE_H });
    for (const e of edges) if (e.from !== e.to) g.setEdge(e.from, e.to, { width: 40, height: 16 });
    layout(g);
    const graph = g.graph() as { width?: number; height?: number };
    return {
      width: graph.width ?? 400,
      height: graph.height ?? 200,
      nodes: nodes.map((n) => ({ id: n, ...(g.node(n) as { x: number; y: number }) })),
      edges: edges.map((e) => {
        if (e.from === e.to) {
          const n = g.node(e.from) as { x: number; y: number };
          return { ...e, self: true, points: [{ x: n.x + 20, y: n.y - NODE_H / 2 }], labelAt: { x: n.x + 20, y: n.y - NODE_H / 2 - 22 } };
        }
        const pts = (g.edge(e.from, e.to) as { points: { x: number; y: number }[] }).points;
        return { ...e, self: false, points: pts, labelAt: pts[Math.floor(pts.length / 2)]! };
      }),
    };
  }, [nodes, edges]);
  return (
    <svg className="service-graph" viewBox={`0 0 ${laid.width} ${laid.height + 20}`} width={laid.width} height={laid.height + 20} role="img" aria-label="Service graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="arrow-head" />
        </marker>
      </defs>
      {laid.edges.map((e) => (
        <g key={`${e.from}->${e.to}`} className="edge" data-edge={`${e.from}->${e.to}`}>
          {e.self ? (
            <path d={`M ${e.points[0]!.x - 10} ${e.points[0]!.y} c -10 -30, 30 -30, 20 0`} markerEnd="url(#arrow)" />
          ) : (
            <polyline points={e.points.map((p) => `${p.x},${p.y}`).join(' ')} markerEnd="url(#arrow)" />
          )}
          <text x={e.labelAt.x} y={e.labelAt.y - 4} textAnchor="middle" className="edge-label">
            {e.label}
          </text>
        </g>
      ))}
      {laid.nodes.map((n) => (
        <g key={n.id} className={onNodeClick ? 'node clickable' : 'node'} data-node={n.id} transform={`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`} onClick={() => onNodeClick?.(n.id)}>
          <title>{nodeTitle?.(n.id) ?? n.id}</title>
          <rect width={NODE_W} height={NODE_H} rx={6} />
          <rect width={6} height={NODE_H} rx={2} style={{ fill: serviceColor(n.id) }} />
          <text x={NODE_W / 2 + 3} y={NODE_H / 2 + 4} textAnchor="middle">
            {n.id.length > 22 ? `${n.id.slice(0, 21)}…` : n.id}
          </text>
        </g>
      ))}
    </svg>
  );
}
