import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MeshConfig } from './config.ts';
import { forward, localReply } from './forward.ts';
import { Listener, startRequest, upstreamAgent } from './listener.ts';
import { OpenSpan } from './proxy-span.ts';
import type { Router } from './routing.ts';
import type { SpanReporter } from './span-reporter.ts';
import { injectContext, newSpanId } from './trace-context.ts';
import { fqdn, gatewayWorkload, workloadTags, type Workload } from './workload.ts';

/**
 * The ingress gateway (`istio-ingressgateway.istio-system`): the edge where
 * traces start. It records a SERVER span for the request and, as Istio's
 * gateway does, a CLIENT child named after the route and upstream cluster
 * (`router outbound|9080||productpage.default.svc.cluster.local egress`).
 */
export class Gateway {
  readonly workload: Workload = gatewayWorkload();
  private readonly config: MeshConfig;
  private readonly router: Router;
  private readonly reporter: SpanReporter;
  private readonly agent: http.Agent = upstreamAgent();
  private readonly tags: Record<string, string>;
  readonly listener: Listener;

  constructor(config: MeshConfig, router: Router, reporter: SpanReporter) {
    this.config = config;
    this.router = router;
    this.reporter = reporter;
    this.tags = workloadTags(config, this.workload);
    this.listener = new Listener(config.gateway.port, (req, res) => this.handle(req, res));
  }

  async start(host: string): Promise<void> {
    this.config.gateway.port = await this.listener.listen(host);
  }

  async shutdown(): Promise<void> {
    await this.listener.close();
    this.agent.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = await startRequest(req, this.config);
    const reporter = start.sampled ? this.reporter : undefined;
    const path = req.url ?? '/';
    const route = this.router.gatewayRoute(req.headers, path);
    const dest = route?.route[0]?.destination;
    const decision = dest ? this.router.decide(dest.host, req.headers, path, this.config.virtualServices.some((v) => v.host === dest.host) ? undefined : route) : undefined;
    const host = decision ? fqdn(decision.service.name, this.config.namespace) : '';
    const port = decision?.service.port ?? 0;
    const cluster = decision ? `outbound|${port}|${decision.subset}|${host}` : '-';
    const server = new OpenSpan(start.traceId, newSpanId(), start.parentSpanId, 'SERVER', decision ? `${host}:${port}${path.split('?')[0]}` : `${req.headers.host ?? ''}${path}`, this.workload, this.tags);
    server.request(req, start.requestId, start.body.length);
    if (!decision) {
      server.finish(localReply(res, 404, 'NR', ''), cluster, reporter);
      return;
    }
    const client = new OpenSpan(start.traceId, newSpanId(), server.id, 'CLIENT', `router ${cluster} egress`, this.workload, this.tags);
    client.request(req, start.requestId, start.body.length);
    injectContext(start.headers, client.traceId, client.id, client.parentId, start.sampled);
    const result = await forward(
      {
        port: decision.instance.inboundPort,
        method: req.method ?? 'GET',
        path,
        headers: start.headers,
        body: start.body,
        agent: this.agent,
        timeoutMs: decision.timeoutMs,
        retry: decision.retry,
      },
      res,
    );
    client.finish(result, cluster, reporter);
    server.finish(result, cluster, reporter);
  }
}
