import { startJvmEngine } from './jvm.ts';

/** A running single-node OpenSearch or Elasticsearch. */
export interface RunningSearchNode {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The engine JVM's process id (for CPU and memory readings). */
  pid: number;
  /** The JVM's output so far (warnings and errors). */
  output(): string;
  /** Kills the node and removes its data. */
  stop(): Promise<void>;
}

export interface SearchNodeOptions {
  /** -Xmx of the node's JVM; default 1g. */
  heap?: string;
  /** How long the node may take to start once built; default 5 minutes (a busy machine). */
  readyTimeoutMs?: number;
  /**
   * Run the JVM's optimising compiler too. Off by default: the quick compiler alone halves the
   * CPU an engine needs to start (measured: OpenSearch 8.3 -> 4.9 CPU-s, Kafka 5.2 -> 2.9), which
   * is what a test pays for; a benchmark of the engine's throughput wants it on.
   */
  fullJit?: boolean;
}

/**
 * Starts the launcher of test/engines/<project> (one node in one JVM, security off, disk
 * watermarks disabled) on free ports with its data in a fresh temporary folder, and waits
 * until the cluster is at least yellow.
 */
export async function startSearchNode(project: 'opensearch' | 'elasticsearch', mainClass: string, options: SearchNodeOptions): Promise<RunningSearchNode> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 5 * 60_000;
  const jvm = await startJvmEngine({
    name: project,
    project,
    mainClass,
    jvmArgs: ['-Xms256m', `-Xmx${options.heap ?? '1g'}`, '-XX:+UseSerialGC', '-Djava.awt.headless=true', ...(options.fullJit ? [] : ['-XX:TieredStopAtLevel=1'])],
    portNames: ['http-port', 'transport-port'],
    readyLine: new RegExp(`^${project} ready (http://\\S+)$`, 'm'),
    readyTimeoutMs,
  });
  const url = jvm.ready[1]!;
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=${Math.ceil(readyTimeoutMs / 1000)}s`);
    if (res.status !== 200) throw new Error(`cluster health answered ${res.status}: ${await res.text()}`);
  } catch (err) {
    await jvm.stop();
    throw new Error(`${project} started but is not healthy: ${(err as Error).message}\n${jvm.output().slice(-6000)}`);
  }
  return { url, pid: jvm.pid, output: jvm.output, stop: jvm.stop };
}
