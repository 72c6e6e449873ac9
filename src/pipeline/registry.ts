import { jaegerReceiverFactory } from '../receivers/jaeger/factory.ts';
import { otlpReceiverFactory } from '../receivers/otlp/factory.ts';
import type { ReceiverFactory } from '../receivers/shared/factory.ts';
import { zipkinReceiverFactory } from '../receivers/zipkin/factory.ts';

/**
 * Every receiver family Waymark can run, in one explicit list.
 * To add one, import its factory and append it here.
 */
export const RECEIVER_FACTORIES: readonly ReceiverFactory[] = [
  // receivers: (each protocol's factory is appended here)
  otlpReceiverFactory,
  zipkinReceiverFactory,
  jaegerReceiverFactory,
];
