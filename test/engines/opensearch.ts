import { startJvmEngine } from './jvm.ts';

export interface RunningOpenSearch {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The engine JVM's process id (for CPU and memory readings). */
  pid: number;
  /** The JVM's output so far (warnings and errors). */
  output(): string;
  /** Kills the node and removes its data. */
  stop(): Promise<void>;
}

export interface OpenSearchOptions {
  /** -Xmx of the node's JVM; default 1g. */
  heap?: string;
  /** How long the node may take to start once built; default 5 minutes (a busy machine). */
  readyTimeoutMs?: number;
}

/**
 * Starts a real single-node OpenSearch 2.19 (test/engines/opensearch: Maven Central jars in one
 * JVM) on free ports with its data in a fresh temporary folder, and waits until the cluster is
 * at least yellow. Security is off; the disk watermarks are disabled.
 */
export async function startOpenSearch(options: OpenSearchOptions = {}): Promise<RunningOpenSearch> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 5 * 60_000;
  const jvm = await startJvmEngine({
    name: 'opensearch',
    project: 'opensearch',
    mainClass: 'waymark.engines.OpenSearchNode',
    jvmArgs: ['-Xms256m', `-Xmx${options.heap ?? '1g'}`, '-XX:+UseSerialGC', '-Djava.awt.headless=true'],
    portNames: ['http-port', 'transport-port'],
    readyLine: /^opensearch ready (http:\/\/\S+)$/m,
    readyTimeoutMs,
  });
  const url = jvm.ready[1]!;
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=${Math.ceil(readyTimeoutMs / 1000)}s`);
    if (res.status !== 200) throw new Error(`cluster health answered ${res.status}: ${await res.text()}`);
  } catch (err) {
    await jvm.stop();
    throw new Error(`OpenSearch started but is not healthy: ${(err as Error).message}\n${jvm.output().slice(-6000)}`);
  }
  return { url, pid: jvm.pid, output: jvm.output, stop: jvm.stop };
}
