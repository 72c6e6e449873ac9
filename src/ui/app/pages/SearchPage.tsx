import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ResultsList } from '../components/ResultsList.tsx';
import { ScatterPlot } from '../components/ScatterPlot.tsx';
import { SearchForm } from '../components/SearchForm.tsx';
import { Empty, ErrorBox, Loading } from '../components/Status.tsx';
import { getTracesById, searchTraces } from '../lib/api.ts';
import { localTraceList, onLocalTraces } from '../lib/local-traces.ts';
import { rowFromSummary, rowFromTrace, sortRows, type ResultRow, type SortKey } from '../lib/result-row.ts';
import { isSearchable, readSearch, writeSearch, type SearchState } from '../lib/search-params.ts';
import { useAsync } from '../lib/use-async.ts';

async function runSearch(s: SearchState): Promise<{ rows: ResultRow[]; missing: string[] }> {
  if (s.traceIDs.length > 0) {
    const { traces, missing } = await getTracesById(s.traceIDs);
    return { rows: traces.map(rowFromTrace), missing };
  }
  return { rows: (await searchTraces(s)).map(rowFromSummary), missing: [] };
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const fromFile = params.get('source') === 'file';
  const search = useMemo(() => readSearch(params), [params]);
  const key = !fromFile && isSearchable(params) ? `${params}` : undefined;
  // `key` alone would not re-run an identical search; the counter does ("Find traces" again refreshes).
  const [runs, setRuns] = useState(0);
  const result = useAsync(key === undefined ? undefined : `${key}#${runs}`, () => runSearch(search));
  const [sort, setSort] = useState<SortKey>('recent');
  const [selected, setSelected] = useState<string[]>([]);
  const [localVersion, setLocalVersion] = useState(0);
  useEffect(() => onLocalTraces(() => setLocalVersion((v) => v + 1)), []);

  const rows = useMemo(() => {
    if (fromFile) return localTraceList().map(rowFromTrace);
    return result.status === 'ok' ? result.value.rows : [];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fromFile, result, localVersion]);
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);

  const onSearch = (s: SearchState) => {
    setSelected([]);
    setRuns((r) => r + 1);
    setParams(writeSearch(s));
  };
  const toggle = (id: string) => setSelected((sel) => (sel.includes(id) ? sel.filter((x) => x !== id) : [...sel.slice(-1), id]));

  return (
    <div className="search-page">
      <aside>
        <SearchForm initial={search} onSearch={onSearch} />
      </aside>
      <section className="search-results">
        {fromFile && <div className="notice">Traces opened from a file; they are not stored.</div>}
        {!fromFile && key === undefined && <Empty>Choose a service (or all services) and press “Find traces”.</Empty>}
        {result.status === 'loading' && <Loading what="traces" />}
        {result.status === 'error' && <ErrorBox title="The search failed." error={result.error} />}
        {result.status === 'ok' && result.value.missing.length > 0 && (
          <div className="status error-box" role="alert">
            Not found: {result.value.missing.join(', ')}
          </div>
        )}
        {(result.status === 'ok' || fromFile) && sorted.length === 0 && <Empty>No traces match. Try a longer lookback or fewer conditions.</Empty>}
        {sorted.length > 0 && (
          <>
            <ScatterPlot rows={sorted} onOpen={(id) => navigate(`/trace/${id}`)} />
            <div className="results-toolbar">
              <span data-testid="result-count">
                {sorted.length} trace{sorted.length === 1 ? '' : 's'}
              </span>
              <label>
                Sort
                <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)} name="sort">
                  <option value="recent">Most recent</option>
                  <option value="longest">Longest first</option>
                  <option value="shortest">Shortest first</option>
                  <option value="most-spans">Most spans</option>
                </select>
              </label>
              {selected.length === 2 ? (
                <Link className="button primary" to={`/trace/${selected[0]}...${selected[1]}`}>
                  Compare 2 traces
                </Link>
              ) : (
                <span className="hint">Tick two traces to compare them</span>
              )}
            </div>
            <ResultsList rows={sorted} selected={selected} onToggle={toggle} />
          </>
        )}
      </section>
    </div>
  );
}
