import type { Attribute } from '../../model/attributes.ts';
import { EMPTY_SCOPE } from '../../model/builders.ts';
import { SPAN_KIND_NAMES, spanKindFromName, StatusCode, type InstrumentationScope, type Span } from '../../model/span.ts';
import { attributesToKeyValues } from './key-values.ts';
import { TAG, type JaegerKeyValue } from './types.ts';

/**
 * The OTLP span fields Jaeger's model has no place for (kind, status, scope,
 * trace state) travel as tags, named as OpenTelemetry's Jaeger translator
 * names them. One function each way.
 */

/** Attributes, then the tags OTLP fields become, in the order OpenTelemetry's Jaeger translator uses. */
export function spanTags(span: Span): JaegerKeyValue[] {
  const tags = attributesToKeyValues(span.attributes);
  if (span.scope.name !== '') tags.push({ key: TAG.scopeName, type: 'string', value: span.scope.name });
  if (span.scope.version !== '') tags.push({ key: TAG.scopeVersion, type: 'string', value: span.scope.version });
  const kind = SPAN_KIND_NAMES[span.kind];
  if (kind) tags.push({ key: TAG.spanKind, type: 'string', value: kind });
  if (span.status.code === StatusCode.ERROR) {
    tags.push({ key: TAG.statusCode, type: 'string', value: 'ERROR' });
    tags.push({ key: TAG.error, type: 'bool', value: true });
  } else if (span.status.code === StatusCode.OK) {
    tags.push({ key: TAG.statusCode, type: 'string', value: 'OK' });
  }
  if (span.status.message !== '') tags.push({ key: TAG.statusDescription, type: 'string', value: span.status.message });
  if (span.traceState !== '') tags.push({ key: TAG.traceState, type: 'string', value: span.traceState });
  return tags;
}

/** Pulls the tags that stand for OTLP fields back into those fields; the rest stay attributes. */
export function applyOtelTags(span: Span, tags: Attribute[], scopes: Map<string, InstrumentationScope>): void {
  let scopeName = '';
  let scopeVersion = '';
  let statusCode: string | undefined;
  let errorTag = false;
  const attrs: Attribute[] = [];
  for (const t of tags) {
    const v = t.value;
    if (t.key === TAG.spanKind && typeof v === 'string' && spanKindFromName(v) !== undefined) span.kind = spanKindFromName(v)!;
    else if (t.key === TAG.statusCode && typeof v === 'string') statusCode = v.toUpperCase();
    else if (t.key === TAG.statusDescription && typeof v === 'string') span.status.message = v;
    else if (t.key === TAG.error && (v === true || v === 'true')) errorTag = true;
    else if (t.key === TAG.scopeName && typeof v === 'string') scopeName = v;
    else if (t.key === TAG.scopeVersion && typeof v === 'string') scopeVersion = v;
    else if (t.key === TAG.traceState && typeof v === 'string') span.traceState = v;
    else attrs.push(t);
  }
  span.attributes = attrs;
  span.status = {
    code: statusCode === 'ERROR' || (statusCode === undefined && errorTag) ? StatusCode.ERROR : statusCode === 'OK' ? StatusCode.OK : StatusCode.UNSET,
    message: span.status.message,
  };
  if (scopeName !== '' || scopeVersion !== '') {
    const key = scopeName + '\u0000' + scopeVersion;
    let scope = scopes.get(key);
    if (!scope) scopes.set(key, (scope = { name: scopeName, version: scopeVersion, attributes: [], droppedAttributesCount: 0 }));
    span.scope = scope;
  } else {
    span.scope = EMPTY_SCOPE;
  }
}

