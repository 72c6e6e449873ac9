import { getStorageStatus } from '../lib/api.ts';
import type { StorageStatus } from '../lib/types.ts';
import { useAsync } from '../lib/use-async.ts';

/**
 * Says so when the store found damaged files: traces with spans in them may
 * be incomplete or missing, which a 404 alone would not tell. Asked once per
 * page load; a failure to ask shows nothing (the pages report their own errors).
 */
export function StorageBanner() {
  const state = useAsync('storage', getStorageStatus);
  if (state.status !== 'ok' || state.value.damaged.length === 0) return null;
  return (
    <div className="status error-box banner" role="status" data-testid="storage-damage">
      <strong>Some stored spans could not be read.</strong> {describe(state.value)} Traces with spans there may be incomplete or missing; the server log names the files.
    </div>
  );
}

function describe({ damaged }: StorageStatus): string {
  const salvaged = damaged.reduce((n, d) => n + (d.salvagedSpans ?? 0), 0);
  const unreadable = damaged.reduce((n, d) => n + (d.unreadableSpans ?? 0), 0);
  const unopenable = damaged.filter((d) => d.unreadableSpans === undefined).length;
  const files = `${damaged.length} damaged storage file${damaged.length === 1 ? '' : 's'}`;
  const parts = [`${unreadable.toLocaleString()} span${unreadable === 1 ? '' : 's'} unreadable`, `${salvaged.toLocaleString()} recovered`];
  if (unopenable > 0) parts.push(`${unopenable} file${unopenable === 1 ? '' : 's'} could not be opened at all`);
  return `${files}: ${parts.join(', ')}.`;
}
