import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { FlameGraph } from '../components/FlameGraph.tsx';
import { Minimap, type Zoom } from '../components/Minimap.tsx';
import { SpanDetail } from '../components/SpanDetail.tsx';
import { SpanTable } from '../components/SpanTable.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { TraceGraph } from '../components/TraceGraph.tsx';
import { TraceHeader } from '../components/TraceHeader.tsx';
import { TraceStats } from '../components/TraceStats.tsx';
import { getTrace, traceDownloadUrl } from '../lib/api.ts';
import { criticalPath, criticalSectionsBySpan } from '../lib/critical-path.ts';
import { findSpans } from '../lib/find.ts';
import { localTrace } from '../lib/local-traces.ts';
import { buildTraceModel, visibleNodes, type TraceModel } from '../lib/trace-model.ts';
import type { JaegerTrace } from '../lib/types.ts';
import { useAsync } from '../lib/use-async.ts';

type View = 'timeline' | 'table' | 'stats' | 'flame' | 'graph';
const VIEWS: { key: View; label: string }[] = [
  { key: 'timeline', label: 'Timeline' },
  { key: 'table', label: 'Span table' },
  { key: 'stats', label: 'Statistics' },
  { key: 'flame', label: 'Flame graph' },
  { key: 'graph', label: 'Service graph' },
];

export async function loadTrace(id: string): Promise<{ trace: JaegerTrace; local: boolean }> {
  const local = localTrace(id);
  if (local) return { trace: local, local: true };
  return { trace: await getTrace(id), local: false };
}

export function TracePage({ id }: { id: string }) {
  const state = useAsync(id, () => loadTrace(id));
  if (state.status === 'loading' || state.status === 'idle') return <Loading what={`trace ${id}`} />;
  if (state.status === 'error') return <ErrorBox title={`Could not load trace ${id}.`} error={state.error} />;
  return <TraceView trace={state.value.trace} local={state.value.local} />;
}

function TraceView({ trace, local }: { trace: JaegerTrace; local: boolean }) {
  const [params, setParams] = useSearchParams();
  const model = useMemo(() => buildTraceModel(trace), [trace]);
  const view = (params.get('view') as View | null) ?? 'timeline';
  const setView = (v: View) => setParams((p) => (v === 'timeline' ? p.delete('view') : p.set('view', v), p), { replace: true });
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string>();
  const [zoom, setZoom] = useState<Zoom>([0, 1]);
  const [showCritical, setShowCritical] = useState(true);
  const [find, setFind] = useState(params.get('uiFind') ?? '');
  const [matchIndex, setMatchIndex] = useState(0);
  const [scrollSignal, setScrollSignal] = useState(0);
  const findBox = useRef<HTMLInputElement>(null);

  const critical = useMemo(() => (showCritical ? criticalSectionsBySpan(criticalPath(model)) : undefined), [model, showCritical]);
  const rows = useMemo(() => visibleNodes(model, collapsed), [model, collapsed]);
  const matches = useMemo(() => findSpans(model, find), [model, find]);
  const matchIds = useMemo(() => new Set(matches.map((m) => m.id)), [matches]);

  const reveal = useCallback(
    (spanId: string) => {
      const node = model.byId.get(spanId);
      if (!node) return;
      setCollapsed((c) => {
        let next: Set<string> | undefined;
        for (let p = node.parent; p; p = p.parent) if (c.has(p.id)) (next ??= new Set(c)).delete(p.id);
        return next ?? c;
      });
      setSelected(spanId);
      setScrollSignal((s) => s + 1);
    },
    [model],
  );

  // A uiFind= link (Jaeger's) lands on its first match.
  useEffect(() => {
    const first = findSpans(model, params.get('uiFind') ?? '')[0];
    if (first) reveal(first.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model]);

  const toggle = useCallback((spanId: string) => {
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(spanId)) next.add(spanId);
      return next;
    });
  }, []);
  const select = useCallback((spanId: string) => setSelected((s) => (s === spanId ? undefined : spanId)), []);
  const open = (spanId: string) => {
    setView('timeline');
    reveal(spanId);
  };

  const gotoMatch = (delta: number) => {
    if (matches.length === 0) return;
    const i = (matchIndex + delta + matches.length) % matches.length;
    setMatchIndex(i);
    reveal(matches[i]!.id);
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement) return;
    const i = selected ? rows.findIndex((r) => r.id === selected) : -1;
    const node = i >= 0 ? rows[i]! : undefined;
    const move = (j: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, j))];
      if (target) {
        setSelected(target.id);
        setScrollSignal((s) => s + 1);
      }
    };
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        move(i + 1);
        break;
      case 'ArrowUp':
      case 'k':
        move(i - 1);
        break;
      case 'ArrowRight':
        if (node && collapsed.has(node.id)) toggle(node.id);
        break;
      case 'ArrowLeft':
        if (node && node.children.length > 0 && !collapsed.has(node.id)) toggle(node.id);
        else if (node?.parent) reveal(node.parent.id);
        break;
      case 'Escape':
        setSelected(undefined);
        break;
      case '/':
        findBox.current?.focus();
        break;
      case 'n':
        gotoMatch(e.shiftKey ? -1 : 1);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const selectedNode = selected ? model.byId.get(selected) : undefined;
  return (
    <div className="trace-page" onKeyDown={onKey}>
      <TraceHeader model={model} />
      <div className="trace-toolbar">
        <div className="tabs" role="tablist">
          {VIEWS.map((v) => (
            <button key={v.key} role="tab" aria-selected={view === v.key} className={view === v.key ? 'active' : ''} onClick={() => setView(v.key)}>
              {v.label}
            </button>
          ))}
        </div>
        <div className="find">
          <input
            ref={findBox}
            value={find}
            onChange={(e) => {
              setFind(e.target.value);
              setMatchIndex(0);
            }}
            onKeyDown={(e) => e.key === 'Enter' && gotoMatch(e.shiftKey ? -1 : 1)}
            placeholder="Find in trace… ( / )"
            aria-label="Find in trace"
            name="uiFind"
          />
          {find && (
            <span className="match-count" data-testid="match-count">
              {matches.length} match{matches.length === 1 ? '' : 'es'}
            </span>
          )}
          <button onClick={() => gotoMatch(-1)} disabled={matches.length === 0} aria-label="Previous match">
            ↑
          </button>
          <button onClick={() => gotoMatch(1)} disabled={matches.length === 0} aria-label="Next match">
            ↓
          </button>
        </div>
        <label className="check">
          <input type="checkbox" checked={showCritical} onChange={(e) => setShowCritical(e.target.checked)} /> Critical path
        </label>
        <button onClick={() => setCollapsed(new Set())}>Expand all</button>
        <button onClick={() => setCollapsed(new Set(model.nodes.filter((n) => n.depth >= 1 && n.children.length > 0).map((n) => n.id)))}>Collapse all</button>
        {local ? <DownloadLocal model={model} trace={trace} /> : <a className="button" href={traceDownloadUrl(trace.traceID)} download={`${trace.traceID}.json`}>Download JSON</a>}
      </div>
      {view === 'timeline' && (
        <>
          <Minimap model={model} zoom={zoom} onZoom={setZoom} />
          <div className={selectedNode ? 'timeline-split with-detail' : 'timeline-split'}>
            <Timeline model={model} rows={rows} collapsed={collapsed} selected={selected} matches={matchIds} critical={critical} zoom={zoom} onToggle={toggle} onSelect={select} scrollSignal={scrollSignal} />
            {selectedNode && <SpanDetail model={model} node={selectedNode} onSelect={reveal} onClose={() => setSelected(undefined)} />}
          </div>
        </>
      )}
      {view === 'table' && <SpanTable model={model} onOpen={open} />}
      {view === 'stats' && <TraceStats model={model} />}
      {view === 'flame' && <FlameGraph model={model} onOpen={open} />}
      {view === 'graph' && <TraceGraph model={model} />}
    </div>
  );
}

function DownloadLocal({ trace }: { model: TraceModel; trace: JaegerTrace }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([JSON.stringify({ data: [trace] }, null, 2)], { type: 'application/json' })), [trace]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <a className="button" href={url} download={`${trace.traceID}.json`}>
      Download JSON
    </a>
  );
}
