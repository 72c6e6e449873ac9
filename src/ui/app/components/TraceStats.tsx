import { useMemo } from 'react';
import { formatDuration } from '../lib/format.ts';
import { traceStatistics } from '../lib/stats.ts';
import type { TraceModel } from '../lib/trace-model.ts';
import { ServiceChip } from './ResultsList.tsx';

export function TraceStats({ model }: { model: TraceModel }) {
  const rows = useMemo(() => traceStatistics(model), [model]);
  return (
    <div className="stats-view">
      <table className="stats" data-testid="trace-stats">
        <thead>
          <tr>
            <th>Service</th>
            <th>Operation</th>
            <th>Count</th>
            <th>Errors</th>
            <th>Total</th>
            <th>Avg</th>
            <th>Min</th>
            <th>Max</th>
            <th>Self time</th>
            <th>Self %</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.service}/${r.operation}`}>
              <td>
                <ServiceChip name={r.service} />
              </td>
              <td>{r.operation}</td>
              <td>{r.count}</td>
              <td className={r.errors ? 'errors' : ''}>{r.errors}</td>
              <td>{formatDuration(r.total)}</td>
              <td>{formatDuration(r.avg)}</td>
              <td>{formatDuration(r.min)}</td>
              <td>{formatDuration(r.max)}</td>
              <td>{formatDuration(r.self)}</td>
              <td>{model.duration > 0 ? ((100 * r.self) / model.duration).toFixed(1) : '0'}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
