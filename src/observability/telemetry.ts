import { pino, type Logger } from 'pino';
import { WaymarkMetrics } from './metrics.ts';

/** The process's own logs and metrics, handed to every component through its Host. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: WaymarkMetrics;
}

export function createTelemetry(level: string = process.env.WAYMARK_LOG_LEVEL ?? 'info'): Telemetry {
  return { logger: pino({ level, base: { app: 'waymark' } }), metrics: new WaymarkMetrics() };
}

/** For tests and tools that want no output. */
export function silentTelemetry(): Telemetry {
  return { logger: pino({ level: 'silent' }), metrics: new WaymarkMetrics() };
}
