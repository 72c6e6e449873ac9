import type { Receiver, TracesConsumer } from '../../component/component.ts';
import type { WaymarkConfig } from '../../config/config.ts';

/** Settings every receiver shares, cut from the process config. */
export interface ReceiverSettings {
  host: string;
  maxRequestBytes: number;
  maxAttributeValueLength: number;
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
