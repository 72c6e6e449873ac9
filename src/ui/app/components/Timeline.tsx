import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { CriticalSection } from '../lib/critical-path.ts';
import { serviceColor } from '../lib/colors.ts';
import { formatDuration } from '../lib/format.ts';
import type { SpanNode, TraceModel } from '../lib/trace-model.ts';
import type { Zoom } from './Minimap.tsx';

const ROW = 26;
const MAX_INDENT = 40;

export interface TimelineProps {
  model: TraceModel;
  rows: SpanNode[];
  collapsed: ReadonlySet<string>;
  selected: string | undefined;
  matches: ReadonlySet<string>;
  critical: Map<string, CriticalSection[]> | undefined;
  zoom: Zoom;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
  /** Bumped to scroll the selected row into view (keyboard, find). */
  scrollSignal: number;
}

/** The span tree against time; only the rows in view are in the DOM, so 50,000 spans scroll like 50. */
export function Timeline(p: TimelineProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: p.rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  useEffect(() => {
    if (!p.selected) return;
    const i = p.rows.findIndex((r) => r.id === p.selected);
    if (i >= 0) virtual.scrollToIndex(i, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.scrollSignal]);
  const [z0, z1] = p.zoom;
  const span = (z1 - z0) * (p.model.duration || 1);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="timeline">
      <div className="timeline-head">
        <div className="name-col">Service &amp; operation</div>
        <div className="bar-col ticks">
          {ticks.map((t) => (
            <span key={t} style={{ left: `${t * 100}%` }} className={t === 1 ? 'last' : ''}>
              {formatDuration(z0 * p.model.duration + t * span)}
            </span>
          ))}
        </div>
      </div>
      <div className="timeline-body" ref={scroller} tabIndex={0} data-testid="timeline" aria-label="Span timeline">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const node = p.rows[item.index]!;
            return (
              <Row
                key={node.id + item.index}
                node={node}
                top={item.start}
                collapsed={p.collapsed.has(node.id)}
                selected={p.selected === node.id}
                match={p.matches.has(node.id)}
                sections={p.critical?.get(node.id)}
                z0={z0 * p.model.duration}
                span={span}
                onToggle={p.onToggle}
                onSelect={p.onSelect}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  node: SpanNode;
  top: number;
  collapsed: boolean;
  selected: boolean;
  match: boolean;
  sections: CriticalSection[] | undefined;
  z0: number;
  span: number;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
}

const Row = memo(function Row({ node, top, collapsed, selected, match, sections, z0, span, onToggle, onSelect }: RowProps) {
  const pct = (t: number) => `${((t - z0) / span) * 100}%`;
  const cls = ['span-row', selected && 'selected', match && 'match', node.isError && 'error', sections && 'on-critical-path'].filter(Boolean).join(' ');
  const color = serviceColor(node.service);
  const indent = Math.min(node.depth, MAX_INDENT);
  const labelAt = durationLabelPlace((node.start - z0) / span, (node.end - z0) / span);
  return (
    <div className={cls} style={{ transform: `translateY(${top}px)`, height: ROW }} data-span-id={node.id} aria-selected={selected} onClick={() => onSelect(node.id)}>
      <div className="name-col" style={{ paddingLeft: 4 + indent * 12 }} title={`${node.service}: ${node.span.operationName}`}>
        {node.children.length > 0 ? (
          <button
            className="toggle"
            aria-label={collapsed ? 'Expand' : 'Collapse'}
            aria-expanded={!collapsed}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(node.id);
            }}
          >
            {collapsed ? '▸' : '▾'}
            {collapsed && <small>{node.descendants}</small>}
          </button>
        ) : (
          <span className="toggle-space" />
        )}
        {node.depth > MAX_INDENT && <span className="deep">{node.depth}</span>}
        <span className="svc-swatch" style={{ background: color }} />
        {node.isError && (
          <span className="err-icon" title="Error">
            !
          </span>
        )}
        <span className="svc">{node.service}</span>
        <span className="op">{node.span.operationName}</span>
      </div>
      <div className="bar-col">
        <div className="bar" style={{ left: pct(node.start), width: `max(1px, ${(node.duration / span) * 100}%)`, background: color }} />
        {sections?.map((s, i) => <div key={i} className="cp-segment" style={{ left: pct(s.start), width: `max(1px, ${((s.end - s.start) / span) * 100}%)` }} />)}
        <span className={`bar-label${labelAt.inside ? ' inside' : ''}`} style={labelAt.style}>
          {formatDuration(node.duration)}
        </span>
      </div>
    </div>
  );
});

/** After the bar; near the right edge, before it; for a bar spanning nearly everything, inside its right end. */
function durationLabelPlace(startFrac: number, endFrac: number): { style: React.CSSProperties; inside: boolean } {
  if (endFrac <= 0.85) return { style: { left: `${Math.max(0, endFrac) * 100}%` }, inside: false };
  if (startFrac > 0.15) return { style: { right: `${(1 - startFrac) * 100}%`, paddingRight: 4 }, inside: false };
  return { style: { right: `${Math.max(0, 1 - endFrac) * 100}%`, paddingRight: 4 }, inside: true };
}
