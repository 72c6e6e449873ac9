import type { Receiver, TracesConsumer } from '../../component/component.ts';
import { DISABLED_PORT, type WaymarkConfig } from '../../config/config.ts';
import type { ReceiverFactory, ReceiverSettings } from '../shared/factory.ts';
import { ZipkinReceiver } from './zipkin-receiver.ts';

/**
 * The Zipkin HTTP receiver on `receivers.zipkin.port` (9411); port 0 turns it
 * off. Nothing to validate beyond the port, which the config loader checks;
 * a port taken by another listener fails start-up with a clear message.
 */
export const zipkinReceiverFactory: ReceiverFactory = {
  type: 'zipkin',
  validate(): string[] {
    return [];
  },
  create(config: WaymarkConfig, settings: ReceiverSettings, next: TracesConsumer): Receiver[] {
    const { port } = config.receivers.zipkin;
    return port === DISABLED_PORT ? [] : [new ZipkinReceiver(settings, port, next)];
  },
};
