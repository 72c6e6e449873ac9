// What a Waymark container in the manifests will actually do: which setting its
// args and env give each option, and so which port each named container port
// really is. Both the manifest checks and the entrypoint test read it.
import { OPTIONS, type OptionSpec } from '../../src/config/options.ts';
import type { Container } from './references.ts';

/** Container port name in the manifests -> the Waymark flag that opens it. */
export const PORT_FLAGS: Readonly<Record<string, string>> = {
  'query-http': 'query-port',
  'query-grpc': 'query-grpc-port',
  'otlp-grpc': 'otlp-grpc-port',
  'otlp-http': 'otlp-http-port',
  zipkin: 'zipkin-port',
  'jaeger-http': 'jaeger-http-port',
  'jaeger-grpc': 'jaeger-grpc-port',
  'jaeger-compact': 'jaeger-compact-port',
  'jaeger-binary': 'jaeger-binary-port',
  admin: 'admin-port',
};

export function option(flag: string): OptionSpec {
  const spec = OPTIONS.find((o) => o.flag === flag);
  if (!spec) throw new Error(`no option --${flag}`);
  return spec;
}

/** The value of `--flag v` / `--flag=v` in the args (the last wins, as in commander), else undefined. */
export function argValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${flag}`) value = args[i + 1];
    else if (args[i]!.startsWith(`--${flag}=`)) value = args[i]!.slice(flag.length + 3);
  }
  return value;
}

/** A setting as Waymark resolves it for this container: flag > environment > default. */
export function effective(c: Container, flag: string): string {
  const spec = option(flag);
  return argValue([...(c.command ?? []), ...(c.args ?? [])], flag) ?? c.env?.find((e) => e.name === spec.env)?.value ?? String(spec.default);
}
