import path from 'node:path';
import type { MeshConfig } from './config.ts';
import { Supervisor } from './supervisor.ts';
import { podName } from './workload.ts';

export interface LaunchedApp {
  name: string;
  /** The app's port: 0 until it reports the one it bound. */
  port(): number;
  /** Settles once the app reported its port (or exited). */
  bound: Promise<void>;
}

/**
 * Starts one Bookinfo process per service instance of the mesh, each calling
 * out through its own sidecar and exporting OTLP to `otlpEndpoint`. An app
 * whose port is 0 binds any free port and reports it over IPC; the instance's
 * port is updated then, and its sidecar forwards there from that moment.
 */
export function launchBookinfo(supervisor: Supervisor, bookinfoDir: string, mesh: MeshConfig, otlpEndpoint: string, logDir: string): LaunchedApp[] {
  const apps: LaunchedApp[] = [];
  for (const service of mesh.services) {
    for (const inst of service.instances) {
      const name = `${service.name}-${inst.version}`;
      const child = supervisor.start(
        name,
        process.execPath,
        ['--disable-warning=ExperimentalWarning', path.join(bookinfoDir, 'main.ts'), service.name],
        {
          ...process.env,
          PORT: String(inst.appPort),
          SERVICE_VERSION: inst.version,
          OUTBOUND_PROXY: `127.0.0.1:${inst.outboundPort}`,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint,
          POD_NAME: podName(service.name, inst.version),
          BOOKINFO_EXIT_WITH_PARENT: '1',
        },
        path.join(logDir, `${name}.log`),
      );
      const bound = Supervisor.message(child, (m): m is { type: 'listening'; port: number } => (m as { type?: string } | null)?.type === 'listening').then((m) => {
        if (m) inst.appPort = m.port;
      });
      apps.push({ name, port: () => inst.appPort, bound });
    }
  }
  return apps;
}

/** Polls each URL until it answers 200; the name of the first that did not in time, or true. */
export async function waitHealthy(targets: { name: string; url: () => string }[], timeoutMs: number, cancelled: () => boolean): Promise<true | string> {
  const deadline = Date.now() + timeoutMs;
  for (const t of targets) {
    for (;;) {
      if (cancelled()) return t.name;
      try {
        const res = await fetch(t.url(), { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) return t.name;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return true;
}
