import type { ConnectionLimits } from '../server/limits.ts';

/** What the main thread and the admin thread (admin-thread.ts) say to each other. */
export type HealthState = 'starting' | 'serving' | 'draining';
export const HEALTH_STATES: readonly HealthState[] = ['starting', 'serving', 'draining'];

/** A main event loop that has not ticked for this long is reported unhealthy (a hung process, not a busy one). */
export const STALL_MS = 10_000;
/** How often the main thread writes its heartbeat. */
export const HEARTBEAT_MS = 250;

export interface AdminThreadData {
  host: string;
  port: number;
  limits: ConnectionLimits | undefined;
  metricsContentType: string;
  /** Int32 state index at byte 0, Float64 heartbeat (ms since the epoch) at byte 8. */
  shared: SharedArrayBuffer;
}

export type FromAdminThread =
  | { op: 'listening'; port: number }
  | { op: 'failed'; message: string }
  | { op: 'metrics'; id: number };

export type ToAdminThread = { op: 'metrics'; id: number; text: string } | { op: 'close' };
