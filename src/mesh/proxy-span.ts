import type { IncomingMessage } from 'node:http';
import type { ForwardResult } from './forward.ts';
import type { ProxySpan, SpanReporter } from './span-reporter.ts';
import type { Workload } from './workload.ts';

/** A proxy span being recorded: opened when the request arrives, reported when the answer is sent. */
export class OpenSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId: string;
  private readonly startMs = performance.timeOrigin + performance.now();
  private readonly fields: Omit<ProxySpan, 'timestampUs' | 'durationUs' | 'tags' | 'traceId' | 'id' | 'parentId'>;
  private readonly baseTags: Record<string, string>;
  private req: IncomingMessage | undefined;
  private requestId = '';
  private requestBytes = 0;
  private readonly extra: [string, string][] = [];

  constructor(traceId: string, id: string, parentId: string, kind: ProxySpan['kind'], name: string, w: Workload, baseTags: Record<string, string>) {
    this.traceId = traceId;
    this.id = id;
    this.parentId = parentId;
    this.fields = { name, kind, serviceName: w.spanService, ipv4: w.ip };
    this.baseTags = baseTags;
  }

  /** The request this span is about; its tags are only built if the span is reported (most are not sampled). */
  request(req: IncomingMessage, requestId: string, requestBytes: number): this {
    this.req = req;
    this.requestId = requestId;
    this.requestBytes = requestBytes;
    return this;
  }

  tag(key: string, value: string): this {
    this.extra.push([key, value]);
    return this;
  }

  finish(result: ForwardResult, upstreamCluster: string, reporter: SpanReporter | undefined): void {
    if (!reporter) return;
    const endMs = performance.timeOrigin + performance.now();
    const req = this.req;
    const tags: Record<string, string> = { ...this.baseTags };
    if (req) {
      Object.assign(tags, {
        'guid:x-request-id': this.requestId,
        'http.url': `http://${req.headers.host ?? ''}${req.url ?? '/'}`,
        'http.method': req.method ?? 'GET',
        'http.protocol': `HTTP/${req.httpVersion}`,
        downstream_cluster: '-',
        user_agent: req.headers['user-agent'] ?? '-',
        'peer.address': req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '-',
        request_size: String(this.requestBytes),
      });
    }
    for (const [k, v] of this.extra) tags[k] = v;
    Object.assign(tags, {
      'http.status_code': String(result.status),
      response_flags: result.flags,
      response_size: String(result.responseBytes),
      upstream_cluster: upstreamCluster,
      'upstream_cluster.name': upstreamCluster,
    });
    // Envoy marks a span failed on a 5xx or when no answer came back at all.
    if (result.status >= 500 || result.status === 0) tags.error = 'true';
    reporter.report({
      ...this.fields,
      traceId: this.traceId,
      id: this.id,
      parentId: this.parentId,
      timestampUs: Math.round(this.startMs * 1000),
      durationUs: Math.round((endMs - this.startMs) * 1000),
      tags,
    });
  }
}
