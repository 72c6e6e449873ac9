import { startJvmEngine } from './jvm.ts';

export interface RunningKafka {
  /** host:port of the one broker, for a client's bootstrap list. */
  brokers: string[];
  /** The engine JVM's process id (for CPU and memory readings). */
  pid: number;
  /** The JVM's output so far (warnings and errors). */
  output(): string;
  /** Kills the broker and removes its data. */
  stop(): Promise<void>;
}

export interface KafkaOptions {
  /** -Xmx of the broker's JVM; default 512m. */
  heap?: string;
  /** How long the broker may take to start once built; default 5 minutes (a busy machine). */
  readyTimeoutMs?: number;
  /**
   * Run the JVM's optimising compiler too. Off by default: the quick compiler alone halves the
   * CPU an engine needs to start (measured: OpenSearch 8.3 -> 4.9 CPU-s, Kafka 5.2 -> 2.9), which
   * is what a test pays for; a benchmark of the engine's throughput wants it on.
   */
  fullJit?: boolean;
}

/**
 * Starts a real Kafka 4 node (test/engines/kafka: KRaft, broker and controller in one JVM, from
 * Maven Central jars) on free ports with its log directory in a fresh temporary folder, and
 * waits until it serves cluster metadata. Topics have one partition and one replica by default.
 */
export async function startKafka(options: KafkaOptions = {}): Promise<RunningKafka> {
  const jvm = await startJvmEngine({
    name: 'kafka',
    project: 'kafka',
    mainClass: 'waymark.engines.KafkaBroker',
    jvmArgs: ['-Xms128m', `-Xmx${options.heap ?? '512m'}`, '-XX:+UseSerialGC', '-Djava.awt.headless=true', ...(options.fullJit ? [] : ['-XX:TieredStopAtLevel=1'])],
    portNames: ['broker-port', 'controller-port'],
    readyLine: /^kafka ready (\S+)$/m,
    readyTimeoutMs: options.readyTimeoutMs ?? 5 * 60_000,
  });
  return { brokers: [jvm.ready[1]!], pid: jvm.pid, output: jvm.output, stop: jvm.stop };
}
