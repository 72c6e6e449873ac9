/** Jaeger's trace JSON as `/api/traces/{id}` and `/api/transform` return it. */
export interface KeyValue {
  key: string;
  type?: string;
  value: unknown;
}

export interface Reference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface Log {
  timestamp: number;
  fields: KeyValue[];
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: Reference[] | null;
  startTime: number;
  duration: number;
  tags?: KeyValue[] | null;
  logs?: Log[] | null;
  processID: string;
  warnings?: string[] | null;
  flags?: number;
}

export interface Process {
  serviceName: string;
  tags?: KeyValue[] | null;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, Process>;
  warnings?: string[] | null;
}

/** One row of `/api/v3/trace-summaries`: the server's own type. */
export type { TraceSummary } from '../../../query/trace-summary.ts';

/** `/api/storage/status`: damaged store files and what was read out of them (the server's own type). */
export type { StorageStatus } from '../../../storage/api/storage.ts';

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}
