import { useEffect, useRef, useState } from 'react';
import { serviceColor } from '../lib/colors.ts';
import { formatDuration } from '../lib/format.ts';
import type { SpanNode, TraceModel } from '../lib/trace-model.ts';

const ROW = 18;
/** Deeper levels are not drawn: a canvas cannot be a million pixels tall. */
const MAX_LEVELS = 300;

/** Spans stacked by depth against time, drawn on a canvas so large traces stay cheap. Click a span to open it. */
export function FlameGraph({ model, onOpen }: { model: TraceModel; onOpen: (id: string) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<SpanNode>();
  const levels = Math.min(model.depth, MAX_LEVELS);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const width = c.parentElement?.clientWidth || 1000; // the wrapper div: the canvas fills it exactly
    const ratio = window.devicePixelRatio || 1;
    c.width = width * ratio;
    c.height = levels * ROW * ratio;
    c.style.width = `${width}px`;
    c.style.height = `${levels * ROW}px`;
    const ctx = c.getContext('2d')!;
    ctx.scale(ratio, ratio);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const dur = model.duration || 1;
    for (const n of model.nodes) {
      if (n.depth >= levels) continue;
      const x = (n.start / dur) * width;
      const w = Math.max((n.duration / dur) * width, 0.5);
      const y = n.depth * ROW;
      ctx.fillStyle = n.isError ? '#e5484d' : serviceColor(n.service);
      ctx.fillRect(x, y, w, ROW - 1);
      if (w > 40) {
        ctx.fillStyle = '#111';
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, w - 2, ROW);
        ctx.clip();
        ctx.fillText(`${n.span.operationName} (${formatDuration(n.duration)})`, x + 3, y + ROW / 2);
        ctx.restore();
      }
    }
  }, [model, levels]);

  const at = (e: React.MouseEvent): SpanNode | undefined => {
    const r = canvas.current!.getBoundingClientRect();
    const depth = Math.floor((e.clientY - r.top) / ROW);
    const t = ((e.clientX - r.left) / r.width) * model.duration;
    let best: SpanNode | undefined;
    for (const n of model.nodes) if (n.depth === depth && n.start <= t && n.end >= t && (!best || n.duration < best.duration)) best = n;
    return best;
  };

  return (
    <div className="flame">
      <div className="flame-hover">{hover ? `${hover.service}: ${hover.span.operationName} · ${formatDuration(hover.duration)} (self ${formatDuration(hover.selfTime)})` : 'Hover a span; click to open it in the timeline'}</div>
      {model.depth > MAX_LEVELS && <div className="hint">Showing the first {MAX_LEVELS} of {model.depth} levels.</div>}
      <div className="flame-canvas">
      <canvas
        ref={canvas}
        data-testid="flame-graph"
        onMouseMove={(e) => setHover(at(e))}
        onMouseLeave={() => setHover(undefined)}
        onClick={(e) => {
          const n = at(e);
          if (n) onOpen(n.id);
        }}
      />
      </div>
    </div>
  );
}
