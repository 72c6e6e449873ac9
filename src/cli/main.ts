import { Command, Option } from 'commander';
import { Waymark } from '../app/waymark.ts';
import { ConfigError, resolveConfig } from '../config/load.ts';
import { OPTIONS, valueName, type Role } from '../config/options.ts';
import { createTelemetry } from '../observability/telemetry.ts';
import { registerMeshCommands } from './mesh-command.ts';

const ROLES: { role: Role; summary: string }[] = [
  { role: 'all-in-one', summary: 'receivers, storage and query in one process (the default)' },
  { role: 'collector', summary: 'receivers and storage, no query API' },
  { role: 'query', summary: 'the query API (HTTP and gRPC) over the configured storage' },
  { role: 'agent', summary: 'receivers forwarding to an upstream collector over OTLP, acknowledging once it has' },
];

export function buildProgram(run: (role: Role, flags: Record<string, string>, configFile: string | undefined) => Promise<void>): Command {
  const program = new Command('waymark')
    .description('Waymark: a distributed tracing backend that speaks OTLP, Zipkin and Jaeger and answers the Jaeger query API.')
    .showHelpAfterError();
  for (const { role, summary } of ROLES) {
    const cmd = program.command(role, { isDefault: role === 'all-in-one' }).description(summary);
    cmd.addOption(new Option('--config <file>', 'YAML configuration file (flags > environment > file > defaults)').env('WAYMARK_CONFIG'));
    for (const opt of OPTIONS.filter((o) => o.roles.includes(role))) {
      cmd.addOption(new Option(`--${opt.flag} <${valueName(opt)}>`, `${opt.description} [env ${opt.env}]`).default(opt.default));
    }
    cmd.action(async (opts: Record<string, unknown>, command: Command) => {
      const flags: Record<string, string> = {};
      for (const opt of OPTIONS) {
        const key = camel(opt.flag);
        if (command.getOptionValueSource(key) === 'cli') flags[opt.path] = String(opts[key]);
      }
      await run(role, flags, opts.config as string | undefined);
    });
  }
  registerMeshCommands(program);
  return program;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

async function runRole(role: Role, flags: Record<string, string>, configFile: string | undefined): Promise<void> {
  let config;
  try {
    config = resolveConfig({ flags, env: process.env, configFile });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`waymark: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const telemetry = createTelemetry(config.logLevel);
  const waymark = new Waymark({ role, config, telemetry });
  const stop = (signal: string) => {
    telemetry.logger.info({ signal }, 'shutting down: draining the queue');
    waymark.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        telemetry.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  try {
    await waymark.start();
  } catch (err) {
    telemetry.logger.fatal({ err: { message: (err as Error).message } }, 'waymark failed to start');
    process.exit(1);
  }
}

await buildProgram(runRole).parseAsync(process.argv);
