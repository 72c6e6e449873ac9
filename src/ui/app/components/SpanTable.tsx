import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { serviceColor } from '../lib/colors.ts';
import { formatDuration } from '../lib/format.ts';
import type { SpanNode, TraceModel } from '../lib/trace-model.ts';

type Col = 'service' | 'operation' | 'start' | 'duration' | 'self';
const COLS: { key: Col; label: string; get: (n: SpanNode) => string | number }[] = [
  { key: 'service', label: 'Service', get: (n) => n.service },
  { key: 'operation', label: 'Operation', get: (n) => n.span.operationName },
  { key: 'start', label: 'Start', get: (n) => n.start },
  { key: 'duration', label: 'Duration', get: (n) => n.duration },
  { key: 'self', label: 'Self time', get: (n) => n.selfTime },
];

/** Every span as a sortable, virtualised table. */
export function SpanTable({ model, onOpen }: { model: TraceModel; onOpen: (id: string) => void }) {
  const [sort, setSort] = useState<{ col: Col; desc: boolean }>({ col: 'duration', desc: true });
  const rows = useMemo(() => {
    const get = COLS.find((c) => c.key === sort.col)!.get;
    const out = [...model.nodes];
    out.sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const c = typeof x === 'number' ? x - (y as number) : x.localeCompare(y as string);
      return sort.desc ? -c : c;
    });
    return out;
  }, [model, sort]);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 26, overscan: 10 });
  return (
    <div className="span-table">
      <div className="span-table-head table-grid">
        {COLS.map((c) => (
          <button key={c.key} onClick={() => setSort({ col: c.key, desc: sort.col === c.key ? !sort.desc : c.key !== 'service' && c.key !== 'operation' })}>
            {c.label} {sort.col === c.key ? (sort.desc ? '↓' : '↑') : ''}
          </button>
        ))}
      </div>
      <div className="span-table-body" ref={scroller}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const n = rows[item.index]!;
            return (
              <div key={n.id + item.index} className={`table-grid span-table-row${n.isError ? ' error' : ''}`} style={{ transform: `translateY(${item.start}px)` }} onClick={() => onOpen(n.id)}>
                <span>
                  <span className="svc-swatch" style={{ background: serviceColor(n.service) }} />
                  {n.service}
                </span>
                <span>{n.span.operationName}</span>
                <span>+{formatDuration(n.start)}</span>
                <span>{formatDuration(n.duration)}</span>
                <span>{formatDuration(n.selfTime)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
