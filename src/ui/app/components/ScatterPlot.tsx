import { useMemo, useState } from 'react';
import { formatDuration, formatTime } from '../lib/format.ts';
import type { ResultRow } from '../lib/result-row.ts';

const W = 1000;
const H = 160;
const PAD = { left: 56, right: 12, top: 10, bottom: 22 };

/** Duration over start time; a dot per trace, sized by span count, red when it has errors. */
export function ScatterPlot({ rows, onOpen }: { rows: readonly ResultRow[]; onOpen: (id: string) => void }) {
  const [hover, setHover] = useState<ResultRow>();
  const scale = useMemo(() => {
    const t0 = Math.min(...rows.map((r) => r.startUs));
    const t1 = Math.max(...rows.map((r) => r.startUs));
    const dMax = Math.max(1, ...rows.map((r) => r.durationUs));
    const sMax = Math.max(1, ...rows.map((r) => r.spanCount));
    const x = (t: number) => PAD.left + 14 + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right - 28);
    const y = (d: number) => H - PAD.bottom - 8 - (d / dMax) * (H - PAD.top - PAD.bottom - 8);
    const r = (n: number) => 3 + 7 * Math.sqrt(n / sMax);
    return { x, y, r, t0, t1, dMax };
  }, [rows]);
  if (rows.length === 0) return null;
  return (
    <div className="scatter">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label="Trace durations over time">
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} className="axis" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" className="tick">
          {formatDuration(scale.dMax)}
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end" className="tick">
          0
        </text>
        <text x={PAD.left} y={H - 6} className="tick">
          {formatTime(scale.t0)}
        </text>
        <text x={W - PAD.right} y={H - 6} textAnchor="end" className="tick">
          {formatTime(scale.t1)}
        </text>
        {rows.map((r) => (
          <circle
            key={r.traceId}
            data-trace-id={r.traceId}
            className={r.errorCount > 0 ? 'dot error' : 'dot'}
            cx={scale.x(r.startUs)}
            cy={scale.y(r.durationUs)}
            r={scale.r(r.spanCount)}
            onMouseEnter={() => setHover(r)}
            onMouseLeave={() => setHover(undefined)}
            onClick={() => onOpen(r.traceId)}
          />
        ))}
      </svg>
      <div className="scatter-hover">
        {hover ? `${hover.rootService}: ${hover.rootOperation} · ${formatDuration(hover.durationUs)} · ${hover.spanCount} spans` : 'Click a dot to open its trace'}
      </div>
    </div>
  );
}
