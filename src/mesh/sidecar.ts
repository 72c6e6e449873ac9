import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InstanceConfig, MeshConfig, ServiceConfig } from './config.ts';
import { forward, localReply, type ForwardResult } from './forward.ts';
import { Listener, startRequest, upstreamAgent } from './listener.ts';
import { OpenSpan } from './proxy-span.ts';
import type { Router } from './routing.ts';
import type { SpanReporter } from './span-reporter.ts';
import { injectContext, newSpanId } from './trace-context.ts';
import { fqdn, sidecarWorkload, workloadTags, type Workload } from './workload.ts';

/**
 * The sidecar of one service instance. Inbound: callers' sidecars send to
 * `inboundPort`; it records a SERVER span and hands the request to the app.
 * Outbound: the app sends its calls to `outboundPort` with `Host:
 * <service>:<port>`; the sidecar routes them (VirtualService rules, faults,
 * retries, timeouts) to an instance's inbound port and records a CLIENT span.
 */
export class Sidecar {
  readonly workload: Workload;
  private readonly config: MeshConfig;
  private readonly service: ServiceConfig;
  private readonly instance: InstanceConfig;
  private readonly router: Router;
  private readonly reporter: SpanReporter;
  private readonly agent: http.Agent = upstreamAgent();
  private readonly tags: Record<string, string>;
  readonly inbound: Listener;
  readonly outbound: Listener;

  constructor(config: MeshConfig, service: ServiceConfig, instance: InstanceConfig, router: Router, reporter: SpanReporter) {
    this.config = config;
    this.service = service;
    this.instance = instance;
    this.router = router;
    this.reporter = reporter;
    this.workload = sidecarWorkload(config, service.name, instance.version);
    this.tags = workloadTags(config, this.workload);
    this.inbound = new Listener(instance.inboundPort, (req, res) => this.handleInbound(req, res));
    this.outbound = new Listener(instance.outboundPort, (req, res) => this.handleOutbound(req, res));
  }

  async start(): Promise<void> {
    this.instance.inboundPort = await this.inbound.listen();
    this.instance.outboundPort = await this.outbound.listen();
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.inbound.close(), this.outbound.close()]);
    this.agent.destroy();
  }

  private async handleInbound(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = await startRequest(req, this.config);
    const span = new OpenSpan(start.traceId, newSpanId(), start.parentSpanId, 'SERVER', `${fqdn(this.service.name, this.config.namespace)}:${this.service.port}/*`, this.workload, this.tags);
    span.request(req, start.requestId, start.body.length);
    injectContext(start.headers, span.traceId, span.id, span.parentId, start.sampled);
    const result = await forward({ port: this.instance.appPort, method: req.method ?? 'GET', path: req.url ?? '/', headers: start.headers, body: start.body, agent: this.agent }, res);
    span.finish(result, `inbound|${this.service.port}||`, start.sampled ? this.reporter : undefined);
  }

  private async handleOutbound(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = await startRequest(req, this.config);
    const hostHeader = req.headers.host ?? '';
    const target = hostHeader.split(':')[0]!.split('.')[0]!;
    const decision = this.router.decide(target, req.headers, req.url ?? '/');
    const service = decision?.service;
    const port = service?.port ?? Number(hostHeader.split(':')[1] ?? 80);
    const span = new OpenSpan(start.traceId, newSpanId(), start.parentSpanId, 'CLIENT', `${fqdn(target, this.config.namespace)}:${port}/*`, this.workload, this.tags);
    span.request(req, start.requestId, start.body.length);
    const reporter = start.sampled ? this.reporter : undefined;
    const cluster = `outbound|${port}|${decision?.subset ?? ''}|${fqdn(target, this.config.namespace)}`;
    if (!decision) {
      span.finish(localReply(res, 404, 'NR', ''), cluster, reporter);
      return;
    }
    let result: ForwardResult;
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    if (decision.abortStatus !== undefined) {
      result = localReply(res, decision.abortStatus, decision.delayMs > 0 ? 'DI,FI' : 'FI', 'fault filter abort');
    } else {
      injectContext(start.headers, span.traceId, span.id, span.parentId, start.sampled);
      result = await forward(
        {
          port: decision.instance.inboundPort,
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: start.headers,
          body: start.body,
          agent: this.agent,
          timeoutMs: decision.timeoutMs,
          retry: decision.retry,
        },
        res,
      );
      if (decision.delayMs > 0) result.flags = result.flags === '-' ? 'DI' : `DI,${result.flags}`;
    }
    span.finish(result, cluster, reporter);
  }
}
