import { useEffect, useRef, useState } from 'react';
import { serviceColor } from '../lib/colors.ts';
import type { TraceModel } from '../lib/trace-model.ts';

export type Zoom = readonly [number, number];

const HEIGHT = 56;

/** The whole trace in small; drag across it to zoom the timeline into that time range. */
export function Minimap({ model, zoom, onZoom }: { model: TraceModel; zoom: Zoom; onZoom: (z: Zoom) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<[number, number]>();

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const width = c.clientWidth || 800;
    c.width = width;
    c.height = HEIGHT;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, HEIGHT);
    const n = model.nodes.length;
    const dur = model.duration || 1;
    const rowH = Math.max(HEIGHT / n, 0.5);
    for (let i = 0; i < n; i++) {
      const node = model.nodes[i]!;
      ctx.fillStyle = node.isError ? '#e5484d' : serviceColor(node.service);
      ctx.fillRect((node.start / dur) * width, (i / n) * HEIGHT, Math.max((node.duration / dur) * width, 1), rowH);
    }
  }, [model]);

  const frac = (clientX: number) => {
    const r = canvas.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientX - r.left) / r.width));
  };
  const [a, b] = drag ?? zoom;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return (
    <div className="minimap" data-testid="minimap">
      <canvas
        ref={canvas}
        onMouseDown={(e) => setDrag([frac(e.clientX), frac(e.clientX)])}
        onMouseMove={(e) => drag && setDrag([drag[0], frac(e.clientX)])}
        onMouseUp={() => {
          if (drag && Math.abs(drag[1] - drag[0]) > 0.005) onZoom([Math.min(...drag), Math.max(...drag)]);
          setDrag(undefined);
        }}
        onMouseLeave={() => setDrag(undefined)}
      />
      {(lo > 0 || hi < 1 || drag) && (
        <>
          <div className="minimap-shade" style={{ left: 0, width: `${lo * 100}%` }} />
          <div className="minimap-shade" style={{ left: `${hi * 100}%`, right: 0 }} />
        </>
      )}
      {(zoom[0] > 0 || zoom[1] < 1) && (
        <button className="reset-zoom" onClick={() => onZoom([0, 1])}>
          Reset zoom
        </button>
      )}
    </div>
  );
}
