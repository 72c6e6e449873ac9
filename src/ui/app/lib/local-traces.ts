import type { JaegerTrace } from './types.ts';

/**
 * Traces opened from a file live only in this tab: the trace page looks here
 * before asking the API, so an uploaded trace is never stored server-side.
 */
const traces = new Map<string, JaegerTrace>();
const listeners = new Set<() => void>();

export function addLocalTraces(list: readonly JaegerTrace[]): void {
  for (const t of list) traces.set(t.traceID, t);
  for (const l of listeners) l();
}

export function localTrace(id: string): JaegerTrace | undefined {
  return traces.get(id) ?? [...traces.values()].find((t) => t.traceID.replace(/^0+/, '') === id.replace(/^0+/, ''));
}

export function localTraceList(): JaegerTrace[] {
  return [...traces.values()];
}

export function onLocalTraces(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
