import type { Receiver, TracesConsumer } from '../../component/component.ts';
import { DISABLED_PORT, type WaymarkConfig } from '../../config/config.ts';
import type { ReceiverFactory, ReceiverSettings } from '../shared/factory.ts';
import { JaegerGrpcReceiver } from './grpc-receiver.ts';
import { JaegerHttpReceiver } from './http-receiver.ts';
import { JaegerReceiver } from './jaeger-receiver.ts';
import { JaegerUdpReceiver } from './udp-receiver.ts';

/**
 * Jaeger's ingestion ports: Thrift over HTTP (14268), gRPC (14250), and the
 * agent's UDP ports for compact (6831) and binary (6832) Thrift. A port of 0
 * turns that listener off.
 */
export const jaegerReceiverFactory: ReceiverFactory = {
  type: 'jaeger',
  validate(config: WaymarkConfig): string[] {
    const { httpPort, grpcPort, compactPort, binaryPort } = config.receivers.jaeger;
    const problems: string[] = [];
    if (httpPort !== DISABLED_PORT && httpPort === grpcPort) problems.push(`Jaeger HTTP and gRPC receivers cannot share TCP port ${httpPort}`);
    if (compactPort !== DISABLED_PORT && compactPort === binaryPort) problems.push(`Jaeger compact and binary Thrift receivers cannot share UDP port ${compactPort}`);
    return problems;
  },
  create(config: WaymarkConfig, settings: ReceiverSettings, next: TracesConsumer): Receiver[] {
    const { httpPort, grpcPort, compactPort, binaryPort } = config.receivers.jaeger;
    const parts: Receiver[] = [];
    if (httpPort !== DISABLED_PORT) parts.push(new JaegerHttpReceiver(settings, httpPort, next));
    if (grpcPort !== DISABLED_PORT) parts.push(new JaegerGrpcReceiver(settings, grpcPort, next));
    if (compactPort !== DISABLED_PORT) parts.push(new JaegerUdpReceiver(settings, compactPort, 'compact', next));
    if (binaryPort !== DISABLED_PORT) parts.push(new JaegerUdpReceiver(settings, binaryPort, 'binary', next));
    return parts.length === 0 ? [] : [new JaegerReceiver(parts)];
  },
};
