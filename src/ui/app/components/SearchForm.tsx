import { useEffect, useState, type FormEvent } from 'react';
import { getOperations, getServices } from '../lib/api.ts';
import { parseLogfmt } from '../lib/logfmt.ts';
import { LOOKBACKS, searchWindow, type SearchState } from '../lib/search-params.ts';
import { useAsync } from '../lib/use-async.ts';
import { TagsInput } from './TagsInput.tsx';

function toLocalInput(us: string): string {
  if (!us) return '';
  const d = new Date(Number(us) / 1000);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function fromLocalInput(v: string): string {
  return v ? String(new Date(v).getTime() * 1000) : '';
}

const DURATION = /^$|^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)$/;

export function SearchForm({ initial, onSearch }: { initial: SearchState; onSearch: (s: SearchState) => void }) {
  const [s, setS] = useState(initial);
  const [error, setError] = useState<string>();
  useEffect(() => setS(initial), [initial]);
  const services = useAsync('services', getServices);
  const operations = useAsync(s.service || undefined, () => getOperations(s.service));
  const set = (patch: Partial<SearchState>) => setS((prev) => ({ ...prev, ...patch }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const tags = parseLogfmt(s.tags);
    if (tags.error) return setError(`Tags: ${tags.error}`);
    if (!DURATION.test(s.minDuration) || !DURATION.test(s.maxDuration)) return setError('Durations are a number and a unit: 300us, 1.5ms, 2s');
    setError(undefined);
    onSearch({ ...s, traceIDs: [] });
  };

  const opNames = operations.status === 'ok' ? [...new Set(operations.value.map((o) => o.name))].sort() : [];
  return (
    <form className="search-form" onSubmit={submit} aria-label="Search traces">
      <label>
        Service
        <select name="service" value={s.service} onChange={(e) => set({ service: e.target.value, operation: '' })}>
          <option value="">All services</option>
          {services.status === 'ok' && services.value.map((name) => <option key={name} value={name}>{name}</option>)}
          {s.service && services.status === 'ok' && !services.value.includes(s.service) && <option>{s.service}</option>}
        </select>
      </label>
      {services.status === 'error' && <div className="field-error">Services: {services.error.message}</div>}
      <label>
        Operation
        <select name="operation" value={s.operation} onChange={(e) => set({ operation: e.target.value })} disabled={!s.service}>
          <option value="">All operations</option>
          {opNames.map((name) => (
            <option key={name}>{name}</option>
          ))}
          {s.operation && !opNames.includes(s.operation) && <option>{s.operation}</option>}
        </select>
      </label>
      <label>
        Tags (logfmt)
        <TagsInput value={s.tags} onChange={(tags) => set({ tags })} service={s.service} window={searchWindow(s)} />
      </label>
      <label>
        Lookback
        <select name="lookback" value={s.lookback} onChange={(e) => set({ lookback: e.target.value })}>
          {LOOKBACKS.map((l) => (
            <option key={l} value={l}>
              Last {l.replace('m', ' min').replace('h', ' h').replace('d', ' days')}
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </label>
      {s.lookback === 'custom' && (
        <div className="row2">
          <label>
            From
            <input type="datetime-local" name="start" value={toLocalInput(s.start)} onChange={(e) => set({ start: fromLocalInput(e.target.value) })} />
          </label>
          <label>
            To
            <input type="datetime-local" name="end" value={toLocalInput(s.end)} onChange={(e) => set({ end: fromLocalInput(e.target.value) })} />
          </label>
        </div>
      )}
      <div className="row2">
        <label>
          Min duration
          <input name="minDuration" value={s.minDuration} placeholder="e.g. 1.2s, 100ms" onChange={(e) => set({ minDuration: e.target.value.trim() })} />
        </label>
        <label>
          Max duration
          <input name="maxDuration" value={s.maxDuration} placeholder="e.g. 1.1s" onChange={(e) => set({ maxDuration: e.target.value.trim() })} />
        </label>
      </div>
      <label>
        Limit results
        <input name="limit" type="number" min={1} max={1500} value={s.limit} onChange={(e) => set({ limit: e.target.value })} />
      </label>
      {error && <div className="field-error" role="alert">{error}</div>}
      <button type="submit" className="primary">
        Find traces
      </button>
    </form>
  );
}
