import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ServiceGraph } from '../components/ServiceGraph.tsx';
import { Empty, ErrorBox, Loading } from '../components/Status.tsx';
import { getDependencies } from '../lib/api.ts';
import { useAsync } from '../lib/use-async.ts';

const WINDOWS: [string, number][] = [
  ['1 hour', 3_600_000],
  ['6 hours', 6 * 3_600_000],
  ['24 hours', 24 * 3_600_000],
  ['2 days', 48 * 3_600_000],
  ['7 days', 7 * 24 * 3_600_000],
];

/** The service map from /api/dependencies; click a service to search its traces. */
export function DependenciesPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const lookback = Number(params.get('lookback')) || 24 * 3_600_000;
  const endTs = Number(params.get('endTs')) || undefined;
  const [stamp] = useMemo(() => [Date.now()], [lookback, endTs]);
  const state = useAsync(`${lookback}/${endTs}`, () => getDependencies(endTs ?? stamp, lookback));
  const graph = useMemo(() => {
    if (state.status !== 'ok') return undefined;
    const nodes = [...new Set(state.value.flatMap((l) => [l.parent, l.child]))].sort();
    const edges = state.value.map((l) => ({ from: l.parent, to: l.child, label: `${l.callCount}` }));
    return { nodes, edges };
  }, [state]);
  return (
    <div className="deps-page">
      <div className="deps-toolbar">
        <label>
          Window
          <select value={lookback} name="lookback" onChange={(e) => setParams((p) => (p.set('lookback', e.target.value), p))}>
            {WINDOWS.map(([label, ms]) => (
              <option key={ms} value={ms}>
                Last {label}
              </option>
            ))}
          </select>
        </label>
        {graph && (
          <span className="hint">
            {graph.nodes.length} services · {graph.edges.length} edges · numbers are call counts · click a service to search it
          </span>
        )}
      </div>
      {state.status === 'loading' && <Loading what="dependencies" />}
      {state.status === 'error' && <ErrorBox title="Could not load the service map." error={state.error} />}
      {graph && graph.nodes.length === 0 && <Empty>No calls between services in this window.</Empty>}
      {graph && graph.nodes.length > 0 && (
        <div className="graph-view" data-testid="service-map">
          <ServiceGraph nodes={graph.nodes} edges={graph.edges} onNodeClick={(svc) => navigate(`/search?service=${encodeURIComponent(svc)}&lookback=1h&limit=20`)} />
        </div>
      )}
    </div>
  );
}
