import { Command } from 'commander';
import { loadMeshConfig, MeshConfigError } from '../mesh/config.ts';
import { assignPorts, Mesh } from '../mesh/mesh.ts';
import { registerDemoCommand } from './demo-command.ts';

/** Adds `waymark mesh` and `waymark demo` to the program. */
export function registerMeshCommands(program: Command): void {
  program
    .command('mesh')
    .description('a local service mesh: sidecars and an ingress gateway that route and trace like Istio (config in YAML)')
    .requiredOption('--config <file>', 'mesh YAML (see examples/bookinfo/mesh.yaml)')
    .option('--host <address>', 'address the gateway binds to (sidecars bind 127.0.0.1)', '127.0.0.1')
    .option('--gateway-port <n>', 'ingress gateway port, overriding the file (0: any free port)')
    .option('--base-port <n>', 'first port for apps and sidecars left at 0 in the file: app, inbound, outbound per instance')
    .option('--sampling <percent>', 'head sampling percentage, overriding tracing.randomSamplingPercentage')
    .option('--provider <zipkin|otlp>', 'span format, overriding tracing.provider')
    .option('--endpoint <url>', 'collector URL, overriding tracing.endpoint')
    .action(async (opts: { config: string; host: string; gatewayPort?: string; basePort?: string; sampling?: string; provider?: string; endpoint?: string }) => {
      let mesh: Mesh;
      try {
        const config = loadMeshConfig(opts.config);
        if (opts.gatewayPort !== undefined) config.gateway.port = Number(opts.gatewayPort);
        if (opts.sampling !== undefined) config.tracing.randomSamplingPercentage = Number(opts.sampling);
        if (opts.provider === 'zipkin' || opts.provider === 'otlp') config.tracing.provider = opts.provider;
        else if (opts.provider !== undefined) throw new MeshConfigError(`--provider: "${opts.provider}" is neither zipkin nor otlp`);
        if (opts.endpoint !== undefined) config.tracing.endpoint = opts.endpoint;
        if (opts.basePort !== undefined) assignPorts(config, Number(opts.basePort));
        mesh = new Mesh(config);
        await mesh.start(opts.host);
      } catch (err) {
        process.stderr.write(`waymark mesh: ${(err as Error).message}\n`);
        process.exit(err instanceof MeshConfigError ? 2 : 1);
      }
      const c = mesh.config;
      // What the applications need: where they listen and where their outbound sidecar is.
      process.stdout.write(`gateway ${opts.host}:${c.gateway.port}\n`);
      for (const s of c.services) {
        for (const i of s.instances) process.stdout.write(`${s.name} ${i.version}: app 127.0.0.1:${i.appPort} inbound :${i.inboundPort} outbound (OUTBOUND_PROXY) 127.0.0.1:${i.outboundPort}\n`);
      }
      const stop = () => void mesh.shutdown().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  registerDemoCommand(program);
}
