import { Link } from 'react-router';
import { serviceColor } from '../lib/colors.ts';
import { formatDuration, formatValue } from '../lib/format.ts';
import { tagValue, type SpanNode, type TraceModel } from '../lib/trace-model.ts';
import type { KeyValue } from '../lib/types.ts';

function KvTable({ items }: { items: readonly KeyValue[] | null | undefined }) {
  if (!items || items.length === 0) return <div className="hint">none</div>;
  return (
    <table className="kv">
      <tbody>
        {items.map((kv, i) => (
          <tr key={kv.key + i}>
            <th>{kv.key}</th>
            <td className={kv.key === 'error' && String(kv.value) === 'true' ? 'errors' : ''}>{formatValue(kv.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SpanDetail({ model, node, onSelect, onClose }: { model: TraceModel; node: SpanNode; onSelect: (id: string) => void; onClose: () => void }) {
  const s = node.span;
  const links = (s.references ?? []).filter((r) => !(node.parent && r.spanID === node.parent.id && r.traceID === s.traceID));
  const kind = tagValue(s.tags, 'span.kind');
  const status = tagValue(s.tags, 'otel.status_code');
  return (
    <aside className="span-detail" data-testid="span-detail" aria-label="Span details">
      <header>
        <span className="svc-swatch" style={{ background: serviceColor(node.service) }} />
        <h2>
          {node.service}: {s.operationName}
        </h2>
        <button onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </header>
      <dl className="facts">
        <dt>Duration</dt>
        <dd>{formatDuration(node.duration)}</dd>
        <dt>Self time</dt>
        <dd>{formatDuration(node.selfTime)}</dd>
        <dt>Start</dt>
        <dd>+{formatDuration(node.start)}</dd>
        <dt>Span ID</dt>
        <dd className="mono">{s.spanID}</dd>
        <dt>Parent</dt>
        <dd className="mono">
          {node.parent ? (
            <a href="#" onClick={(e) => (e.preventDefault(), onSelect(node.parent!.id))}>
              {node.parent.id}
            </a>
          ) : (
            '(root)'
          )}
        </dd>
        {kind !== undefined && (
          <>
            <dt>Kind</dt>
            <dd>{String(kind)}</dd>
          </>
        )}
        <dt>Status</dt>
        <dd className={node.isError ? 'errors' : ''}>{node.isError ? `error${tagValue(s.tags, 'otel.status_description') ? `: ${String(tagValue(s.tags, 'otel.status_description'))}` : ''}` : String(status ?? 'unset')}</dd>
      </dl>
      {s.warnings && s.warnings.length > 0 && (
        <section className="warnings">
          <h3>Warnings</h3>
          <ul>
            {s.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h3>Attributes</h3>
        <KvTable items={s.tags} />
      </section>
      <section>
        <h3>Resource ({node.service})</h3>
        <KvTable items={[{ key: 'service.name', value: node.service }, ...(node.process.tags ?? [])]} />
      </section>
      <section>
        <h3>Events ({s.logs?.length ?? 0})</h3>
        {(s.logs ?? []).map((l, i) => (
          <details key={i} open={i < 3}>
            <summary>
              +{formatDuration(l.timestamp - model.startTime)} {String(l.fields.find((f) => f.key === 'event')?.value ?? '')}
            </summary>
            <KvTable items={l.fields} />
          </details>
        ))}
      </section>
      <section>
        <h3>Links ({links.length})</h3>
        {links.map((r, i) => (
          <div key={i} className="mono">
            {r.refType}{' '}
            {r.traceID === s.traceID && model.byId.has(r.spanID) ? (
              <a href="#" onClick={(e) => (e.preventDefault(), onSelect(r.spanID))}>
                span {r.spanID}
              </a>
            ) : (
              <Link to={`/trace/${r.traceID}?uiFind=${r.spanID}`}>
                trace {r.traceID} span {r.spanID}
              </Link>
            )}
          </div>
        ))}
      </section>
    </aside>
  );
}
