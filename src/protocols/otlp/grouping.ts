import type { InstrumentationScope, Resource, Span } from '../../model/span.ts';
import { attributesJson } from './json-encoder.ts';

export interface ScopeGroup {
  scope: InstrumentationScope;
  spans: Span[];
}

export interface ResourceGroup {
  resource: Resource;
  scopes: ScopeGroup[];
}

/**
 * Groups spans as OTLP nests them: by resource, then by scope. Spans that
 * came in one request share Resource and Scope objects; spans of separate
 * requests from one process have equal but distinct ones, so groups are
 * keyed by content (computed once per object). Order of first appearance is kept.
 */
export function groupSpans(spans: readonly Span[]): ResourceGroup[] {
  const byResource = new Map<string, { group: ResourceGroup; byScope: Map<string, ScopeGroup> }>();
  const out: ResourceGroup[] = [];
  for (const s of spans) {
    const rk = contentKey(s.resource);
    let rg = byResource.get(rk);
    if (rg === undefined) {
      rg = { group: { resource: s.resource, scopes: [] }, byScope: new Map() };
      byResource.set(rk, rg);
      out.push(rg.group);
    }
    const sk = contentKey(s.scope);
    let sg = rg.byScope.get(sk);
    if (sg === undefined) {
      sg = { scope: s.scope, spans: [] };
      rg.byScope.set(sk, sg);
      rg.group.scopes.push(sg);
    }
    sg.spans.push(s);
  }
  return out;
}

const keys = new WeakMap<object, string>();

function contentKey(o: Resource | InstrumentationScope): string {
  let k = keys.get(o);
  if (k === undefined) {
    const named = 'name' in o ? [o.name, o.version] : [];
    k = JSON.stringify([...named, o.droppedAttributesCount, attributesJson(o.attributes)]);
    keys.set(o, k);
  }
  return k;
}
