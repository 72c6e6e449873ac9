import { Link } from 'react-router';
import { formatDuration, formatTime } from '../lib/format.ts';
import type { TraceModel } from '../lib/trace-model.ts';
import { ServiceChip } from './ResultsList.tsx';

export function TraceHeader({ model }: { model: TraceModel }) {
  return (
    <div className="trace-header">
      <h1>
        <span className="svc">{model.rootService}</span>: {model.rootOperation} <span className="trace-id">{model.traceID}</span>
      </h1>
      <dl className="trace-facts">
        <div>
          <dt>Start</dt>
          <dd>{formatTime(model.startTime)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="trace-duration">{formatDuration(model.duration)}</dd>
        </div>
        <div>
          <dt>Services</dt>
          <dd>{model.services.length}</dd>
        </div>
        <div>
          <dt>Depth</dt>
          <dd>{model.depth}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd data-testid="span-count">{model.nodes.length}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd className={model.errorCount > 0 ? 'errors' : ''}>{model.errorCount}</dd>
        </div>
      </dl>
      <div className="chips">
        {model.services.map((s) => (
          <Link key={s.name} to={`/search?service=${encodeURIComponent(s.name)}&lookback=1h&limit=20`} title={`Search ${s.name}'s traces`}>
            <ServiceChip name={s.name} count={s.count} errors={s.errors} />
          </Link>
        ))}
      </div>
    </div>
  );
}
