import type { Span } from '../../model/span.ts';
import type { DependencyLink } from './query.ts';

/**
 * Counts one call for every span whose parent (in the same trace) belongs to
 * another service: parent's service -> child's service. Sidecar CLIENT/SERVER
 * pairs, and plain cross-service parent links, both produce edges this way.
 */
export class DependencyCounter {
  private readonly counts = new Map<string, DependencyLink>();

  addTrace(spans: readonly Span[]): void {
    const byId = new Map<string, Span>();
    for (const s of spans) byId.set(s.spanId, s);
    for (const s of spans) {
      if (s.parentSpanId === '') continue;
      const parent = byId.get(s.parentSpanId);
      if (!parent) continue;
      const from = parent.resource.serviceName;
      const to = s.resource.serviceName;
      if (from === to) continue;
      const key = from + '\u0000' + to;
      const link = this.counts.get(key);
      if (link) link.callCount++;
      else this.counts.set(key, { parent: from, child: to, callCount: 1 });
    }
  }

  links(): DependencyLink[] {
    return [...this.counts.values()].sort((a, b) => a.parent.localeCompare(b.parent) || a.child.localeCompare(b.child));
  }
}
