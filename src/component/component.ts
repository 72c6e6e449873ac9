import type { Span } from '../model/span.ts';
import type { Telemetry } from '../observability/telemetry.ts';

/**
 * The OpenTelemetry Collector's component model, in TypeScript.
 *
 * Lifecycle: `start` then `shutdown`. `shutdown` must be safe before `start`
 * and safe to call twice. A component whose second listener fails to start
 * shuts down the first before rejecting.
 */
export interface Component {
  start(host: Host): Promise<void>;
  shutdown(): Promise<void>;
}

/** What a component may use from the process that runs it. */
export interface Host {
  readonly telemetry: Telemetry;
  /** Reports a fatal error discovered after start (a listener died). */
  reportFatal(err: Error): void;
}

/**
 * The one interface that joins pipeline stages.
 *
 * `consumeTraces` resolves only once the batch is durable in every store
 * downstream (for a durable store: committed), which is what lets a receiver
 * acknowledge its client. It rejects with a `ConsumerError` (see errors.ts):
 * permanent (the data is bad: 400 at the edge) or retryable (overload: 503).
 * The consumer must not mutate `spans` unless it declares `mutatesData`; the
 * caller must not mutate them after the call.
 */
export interface TracesConsumer {
  consumeTraces(spans: Span[]): Promise<void>;
}

export interface Receiver extends Component {}

export interface Processor extends Component, TracesConsumer {
  readonly mutatesData?: boolean;
}

export interface Exporter extends Component, TracesConsumer {}

/**
 * Builds a component from its validated config. `validate` runs at start-up,
 * before anything listens, and returns problems as readable messages.
 */
export interface ComponentFactory<TConfig, TComponent extends Component, TNext = TracesConsumer> {
  readonly type: string;
  createDefaultConfig(): TConfig;
  validate(config: TConfig): string[];
  create(config: TConfig, next: TNext): TComponent;
}
