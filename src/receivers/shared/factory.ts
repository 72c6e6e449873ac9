import type { Receiver, TracesConsumer } from '../../component/component.ts';
import type { WaymarkConfig } from '../../config/config.ts';
import type { ConnectionLimits } from '../../server/limits.ts';
import type { Admission } from './admission.ts';

/** Settings every receiver shares, cut from the process config. */
export interface ReceiverSettings {
  host: string;
  maxRequestBytes: number;
  maxAttributeValueLength: number;
  /** Timeouts and caps of every listener (defaults when absent). */
  connections?: ConnectionLimits;
  /** Shared by every receiver of the process; absent: everything is admitted (unit tests). */
  admission?: Admission;
}

/**
 * Builds the receivers of one protocol family from the process config.
 * Returns none when all of its ports are 0 (disabled).
 */
export interface ReceiverFactory {
  readonly type: string;
  validate(config: WaymarkConfig): string[];
  create(config: WaymarkConfig, settings: ReceiverSettings, next: TracesConsumer): Receiver[];
}
