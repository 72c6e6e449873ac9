import { Link } from 'react-router';
import { serviceColor } from '../lib/colors.ts';
import { formatDuration, formatRelative, formatTime } from '../lib/format.ts';
import type { ResultRow } from '../lib/result-row.ts';

export function ServiceChip({ name, count, errors }: { name: string; count?: number; errors?: number }) {
  return (
    <span className={errors ? 'chip has-errors' : 'chip'} style={{ borderLeftColor: serviceColor(name) }} title={errors ? `${errors} error spans` : undefined}>
      {name}
      {count !== undefined && <b>{count}</b>}
    </span>
  );
}

export function ResultsList({ rows, selected, onToggle }: { rows: readonly ResultRow[]; selected: readonly string[]; onToggle: (id: string) => void }) {
  const maxDuration = Math.max(1, ...rows.map((r) => r.durationUs));
  return (
    <ol className="results" aria-label="Traces found">
      {rows.map((r) => (
        <li key={r.traceId} className="result" data-trace-id={r.traceId}>
          <div className="result-head">
            <input type="checkbox" aria-label={`Select ${r.traceId} to compare`} checked={selected.includes(r.traceId)} onChange={() => onToggle(r.traceId)} />
            <Link to={`/trace/${r.traceId}`} className="result-title">
              <span className="svc">{r.rootService || '(no root)'}</span>: {r.rootOperation} <span className="trace-id">{r.traceId.slice(0, 8)}</span>
            </Link>
            <span className="duration">{formatDuration(r.durationUs)}</span>
          </div>
          <div className="duration-bar" style={{ width: `${(100 * r.durationUs) / maxDuration}%` }} />
          <div className="result-body">
            <span className="counts">
              {r.spanCount} spans
              {r.errorCount > 0 && <span className="errors"> · {r.errorCount} errors</span>}
            </span>
            <span className="chips">
              {r.services.map((s) => (
                <ServiceChip key={s.name} name={s.name} count={s.spanCount} errors={s.errorSpanCount} />
              ))}
            </span>
            <span className="when" title={formatTime(r.startUs)}>
              {formatTime(r.startUs)} · {formatRelative(r.startUs)}
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
}
