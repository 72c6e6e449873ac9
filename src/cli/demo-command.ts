import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { ConfigError, resolveConfig } from '../config/load.ts';
import { OPTIONS, valueName } from '../config/options.ts';
import { loadMeshConfig } from '../mesh/config.ts';
import { startLoad, type LoadGenerator } from '../mesh/load-generator.ts';
import { assignPorts, Mesh } from '../mesh/mesh.ts';
import { launchBookinfo, waitHealthy } from '../mesh/bookinfo-launcher.ts';
import { Supervisor } from '../mesh/supervisor.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BOOKINFO = path.join(ROOT, 'examples/bookinfo');

interface DemoFlags {
  gatewayPort: string;
  meshBasePort: string;
  sampling: string;
  spanFormat: string;
  flushInterval: string;
  loadRps: string;
  logDir?: string;
}

/**
 * `waymark demo`: Waymark all-in-one (embedded store unless told otherwise),
 * the local mesh, Bookinfo and a load generator, until Ctrl-C stops them all.
 */
export function registerDemoCommand(program: Command): void {
  const cmd = program
    .command('demo')
    .description('Bookinfo on a local mesh, traced into Waymark all-in-one, with steady traffic (Ctrl-C stops everything)')
    .option('--gateway-port <n>', 'ingress gateway port (0: any free port)', '8080')
    .option('--mesh-base-port <n>', 'first port for the apps and sidecars, three per instance (0: any free ports)', '0')
    .option('--sampling <percent>', 'sidecar head sampling percentage for requests arriving without a decision', '100')
    .option('--span-format <format>', 'how the sidecars report: zipkin (Zipkin v2 JSON, as Envoy) or otlp', 'zipkin')
    .option('--flush-interval <ms>', 'sidecar span batch flush interval', '1000')
    .option('--load-rps <n>', 'load generator requests per second (0: none)', '2')
    .option('--log-dir <dir>', 'where the services and Waymark write their logs (default: <tmp>/waymark-demo)');
  cmd.addOption(new Option('--config <file>', 'Waymark YAML configuration file').env('WAYMARK_CONFIG'));
  // Every all-in-one flag, passed on to the Waymark it starts.
  for (const opt of OPTIONS.filter((o) => o.roles.includes('all-in-one'))) {
    cmd.addOption(new Option(`--${opt.flag} <${valueName(opt)}>`, `${opt.description} [all-in-one]`));
  }
  cmd.action(async (opts: Record<string, string | undefined>, command: Command) => {
    const flags: Record<string, string> = {};
    for (const opt of OPTIONS) {
      const key = opt.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      if (command.getOptionValueSource(key) === 'cli' && opts[key] !== undefined) flags[opt.path] = String(opts[key]);
    }
    await runDemo(opts as unknown as DemoFlags, flags, opts.config);
  });
}

async function runDemo(demo: DemoFlags, flags: Record<string, string>, configFile: string | undefined): Promise<void> {
  const fail = (msg: string): never => {
    process.stderr.write(`waymark demo: ${msg}\n`);
    process.exit(2);
  };
  if (!existsSync(path.join(BOOKINFO, 'main.ts'))) fail(`Bookinfo is not here (${BOOKINFO}): run the demo from a checkout of the repository`);
  let config;
  try {
    config = resolveConfig({ flags, env: process.env, configFile });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const format = demo.spanFormat;
  if (format !== 'zipkin' && format !== 'otlp') fail(`--span-format: "${format}" is neither zipkin nor otlp`);
  const num = (name: string, v: string, max: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > max) fail(`--${name}: "${v}" is not a number from 0 to ${max}`);
    return n;
  };
  const gatewayPort = num('gateway-port', demo.gatewayPort, 65535);
  const basePort = num('mesh-base-port', demo.meshBasePort, 65500);
  const sampling = num('sampling', demo.sampling, 100);
  const flushMs = num('flush-interval', demo.flushInterval, 600_000);
  const rps = num('load-rps', demo.loadRps, 10_000);
  if (config.receivers.otlp.httpPort === 0) fail('the demo needs the OTLP/HTTP receiver (--otlp-http-port is 0)');
  if (format === 'zipkin' && config.receivers.zipkin.port === 0) fail('--span-format zipkin needs the Zipkin receiver (--zipkin-port is 0)');

  const logDir = path.resolve(demo.logDir ?? path.join(os.tmpdir(), 'waymark-demo'));
  mkdirSync(logDir, { recursive: true });
  const local = '127.0.0.1';
  const supervisor = new Supervisor();
  let stopping = false;
  let load: LoadGenerator | undefined;
  let mesh: Mesh | undefined;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      supervisor.killAll();
      process.exit(code || 1);
    }, 20_000);
    await load?.stop();
    // Apps first (they flush their spans), then the mesh's reporters, then Waymark drains and stops.
    await supervisor.stop(supervisor.children.filter((s) => s.name !== 'waymark'));
    await mesh?.shutdown().catch(() => undefined);
    await supervisor.stop(supervisor.children);
    clearTimeout(timer);
    process.exit(code);
  };
  process.once('SIGINT', () => {
    process.stdout.write('\nstopping the demo...\n');
    process.once('SIGINT', () => {
      supervisor.killAll();
      process.exit(130);
    });
    void shutdown(0);
  });
  process.once('SIGTERM', () => void shutdown(0));
  // A crash of the demo itself must not leave Waymark holding its ports.
  const crash = (err: unknown) => {
    process.stderr.write(`waymark demo: ${(err as Error)?.stack ?? String(err)}\n`);
    supervisor.killAll();
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  supervisor.watch((s, code) => {
    // Ctrl-C in a terminal signals the children too: their exit may be seen just before our own SIGINT.
    setTimeout(() => {
      if (stopping) return;
      const tail = readFileSync(s.logFile, 'utf8').trimEnd().split('\n').slice(-5).join('\n');
      process.stderr.write(`waymark demo: ${s.name} exited (code ${code}) unexpectedly; the end of its log (${s.logFile}):\n${tail}\n`);
      void shutdown(1);
    }, 200);
  });

  // Waymark itself.
  const args = ['all-in-one', ...(configFile ? ['--config', configFile] : [])];
  for (const [p, v] of Object.entries(flags)) args.push(`--${OPTIONS.find((o) => o.path === p)!.flag}`, v);
  supervisor.start('waymark', path.join(ROOT, 'bin/waymark'), args, { ...process.env, WAYMARK_LOG_LEVEL: process.env.WAYMARK_LOG_LEVEL ?? 'warn' }, path.join(logDir, 'waymark.log'));

  // The mesh, in this process.
  const meshConfig = loadMeshConfig(path.join(BOOKINFO, 'mesh.yaml'));
  meshConfig.gateway.port = gatewayPort;
  meshConfig.tracing = {
    ...meshConfig.tracing,
    provider: format as 'zipkin' | 'otlp',
    endpoint: format === 'otlp' ? `http://${local}:${config.receivers.otlp.httpPort}/v1/traces` : `http://${local}:${config.receivers.zipkin.port}/api/v2/spans`,
    randomSamplingPercentage: sampling,
    flushIntervalMs: flushMs,
  };
  if (basePort > 0) assignPorts(meshConfig, basePort);
  // App ports stay 0 unless --mesh-base-port set them: each app binds a free port and reports it.
  mesh = new Mesh(meshConfig, { probeAppPorts: false });
  try {
    await mesh.start(config.host);
  } catch (err) {
    process.stderr.write(`waymark demo: the mesh could not start: ${(err as Error).message}\n`);
    await shutdown(1);
    return;
  }

  // Bookinfo: one process per service instance, each behind its sidecar.
  const apps = launchBookinfo(supervisor, BOOKINFO, meshConfig, `http://${local}:${config.receivers.otlp.httpPort}/v1/traces`, logDir);
  const targets = [{ name: 'waymark', url: () => `http://${local}:${config.admin.port}/health` }, ...apps.map((a) => ({ name: a.name, url: () => `http://${local}:${a.port()}/health` }))];
  await Promise.race([Promise.all(apps.map((a) => a.bound)), new Promise((r) => setTimeout(r, 60_000))]);
  const ready = await waitHealthy(targets, 60_000, () => stopping);
  if (ready !== true) {
    if (!stopping) process.stderr.write(`waymark demo: ${ready} did not become healthy; logs in ${logDir}\n`);
    await shutdown(1);
    return;
  }
  const gatewayUrl = `http://${local}:${meshConfig.gateway.port}`;
  load = startLoad(gatewayUrl, rps);
  const uiHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(
    [
      '',
      'Waymark demo is running.',
      `  Waymark UI:  http://${uiHost}:${config.query.port}${config.query.basePath === '/' ? '/' : config.query.basePath}`,
      `  Bookinfo:    ${gatewayUrl}/productpage`,
      `  logs:        ${logDir}`,
      `  traffic:     ${rps} requests/s (some as jason, some delayed or failing), sampling ${sampling}%, sidecars report ${format}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}
