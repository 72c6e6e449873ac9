import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ServiceChip } from '../components/ResultsList.tsx';
import { Empty, ErrorBox, Loading } from '../components/Status.tsx';
import { diffTraces, type DiffState } from '../lib/diff.ts';
import { formatDuration } from '../lib/format.ts';
import { buildTraceModel } from '../lib/trace-model.ts';
import { useAsync } from '../lib/use-async.ts';
import { loadTrace } from './TracePage.tsx';

const STATES: DiffState[] = ['added', 'removed', 'changed', 'same'];

/** Two traces' structures merged into one tree; each node says whether B added, removed or changed it. */
export function ComparePage({ a, b }: { a?: string; b?: string }) {
  const navigate = useNavigate();
  const [only, setOnly] = useState<DiffState | undefined>();
  const key = a && b ? `${a}...${b}` : undefined;
  const state = useAsync(key, async () => {
    const [ta, tb] = await Promise.all([loadTrace(a!), loadTrace(b!)]);
    return { a: buildTraceModel(ta.trace), b: buildTraceModel(tb.trace) };
  });
  const diff = useMemo(() => (state.status === 'ok' ? diffTraces(state.value.a, state.value.b) : undefined), [state]);

  const pick = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const x = f.get('a')?.toString().trim();
    const y = f.get('b')?.toString().trim();
    if (x && y) navigate(`/trace/${x}...${y}`);
  };

  return (
    <div className="compare-page">
      <form className="compare-pick" onSubmit={pick}>
        <label>
          A <input name="a" defaultValue={a} placeholder="trace ID" spellCheck={false} />
        </label>
        <label>
          B <input name="b" defaultValue={b} placeholder="trace ID" spellCheck={false} />
        </label>
        <button type="submit" className="primary">
          Compare
        </button>
      </form>
      {!key && <Empty>Enter two trace IDs, or tick two traces in the search results.</Empty>}
      {state.status === 'loading' && <Loading what="both traces" />}
      {state.status === 'error' && <ErrorBox title="Could not load the traces to compare." error={state.error} />}
      {state.status === 'ok' && diff && (
        <>
          <div className="compare-heads">
            {(['a', 'b'] as const).map((side) => {
              const m = state.value[side];
              return (
                <div key={side} className={`compare-head side-${side}`}>
                  <b>{side.toUpperCase()}</b>{' '}
                  <Link to={`/trace/${m.traceID}`}>
                    {m.rootService}: {m.rootOperation}
                  </Link>{' '}
                  · {formatDuration(m.duration)} · {m.nodes.length} spans · {m.errorCount} errors
                </div>
              );
            })}
          </div>
          <div className="diff-legend" data-testid="diff-counts">
            {STATES.map((s) => (
              <button key={s} className={`legend ${s}${only === s ? ' active' : ''}`} onClick={() => setOnly(only === s ? undefined : s)} data-state={s}>
                {s} <b>{diff.counts[s]}</b>
              </button>
            ))}
          </div>
          <ol className="diff-tree" aria-label="Structure diff">
            {diff.rows
              .filter((d) => !only || d.state === only)
              .map((d) => (
                <li key={d.key} className={`diff-row ${d.state}`} data-state={d.state} style={{ paddingLeft: 8 + Math.min(d.depth, 40) * 16 }}>
                  <ServiceChip name={d.service} />
                  <span className="op">{d.operation}</span>
                  <span className="diff-counts">
                    {d.countA} → {d.countB}
                    {d.countA > 0 && d.countB > 0 && ` · ${formatDuration(d.durationA / d.countA)} → ${formatDuration(d.durationB / d.countB)}`}
                    {(d.errorsA > 0 || d.errorsB > 0) && <span className="errors"> · errors {d.errorsA} → {d.errorsB}</span>}
                  </span>
                </li>
              ))}
          </ol>
        </>
      )}
    </div>
  );
}
