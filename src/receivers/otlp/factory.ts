import type { Receiver, TracesConsumer } from '../../component/component.ts';
import type { WaymarkConfig } from '../../config/config.ts';
import { DISABLED_PORT } from '../../config/config.ts';
import type { ReceiverFactory, ReceiverSettings } from '../shared/factory.ts';
import { OtlpGrpcReceiver } from './grpc-receiver.ts';
import { OtlpHttpReceiver } from './http-receiver.ts';
import { OtlpReceiver } from './otlp-receiver.ts';

/** OTLP/gRPC and OTLP/HTTP receivers; a port of 0 turns that listener off. */
export const otlpReceiverFactory: ReceiverFactory = {
  type: 'otlp',
  validate(config: WaymarkConfig): string[] {
    const { grpcPort, httpPort } = config.receivers.otlp;
    if (grpcPort !== DISABLED_PORT && grpcPort === httpPort) return [`OTLP gRPC and HTTP receivers cannot share port ${grpcPort}`];
    return [];
  },
  create(config: WaymarkConfig, settings: ReceiverSettings, next: TracesConsumer): Receiver[] {
    const { grpcPort, httpPort } = config.receivers.otlp;
    const parts: Receiver[] = [];
    if (grpcPort !== DISABLED_PORT) parts.push(new OtlpGrpcReceiver(settings, grpcPort, next));
    if (httpPort !== DISABLED_PORT) parts.push(new OtlpHttpReceiver(settings, httpPort, next));
    return parts.length === 0 ? [] : [new OtlpReceiver(parts)];
  },
};
