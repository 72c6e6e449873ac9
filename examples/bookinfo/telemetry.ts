import { createRequire } from 'node:module';
import { context, trace, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { pino, type Logger } from 'pino';

export interface AppTelemetry {
  tracer: Tracer;
  logger: Logger;
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK as each Bookinfo service sets it up: a parent-based
 * sampler (the sidecar's decision, carried in traceparent and x-b3-sampled,
 * stands), W3C and B3 multi-header propagation, HTTP server and client
 * instrumentation, and OTLP/HTTP protobuf export to Waymark. Must run before
 * the service's code touches node:http.
 */
export function setupTelemetry(service: string, version: string, endpoint: string): AppTelemetry {
  const provider = new NodeTracerProvider({
    // The SDK's own attributes (telemetry.sdk.*) plus who this service is.
    resource: defaultResource().merge(resourceFromAttributes({
      [ATTR_SERVICE_NAME]: service,
      [ATTR_SERVICE_VERSION]: version,
      'service.namespace': 'default',
      'k8s.pod.name': process.env.POD_NAME ?? `${service}-${version}`,
    })),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }), { scheduledDelayMillis: 500, maxQueueSize: 8192, maxExportBatchSize: 1024 })],
  });
  provider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })],
    }),
  });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Health probes are not traffic: Kubernetes' kubelet probes are not traced either.
        ignoreIncomingRequestHook: (req) => req.url === '/health',
      }),
    ],
  });
  // ESM imports of node:http bypass require hooks: load it through require once so the patch applies
  // to the shared module object every `import http from 'node:http'` sees.
  createRequire(import.meta.url)('node:http');

  const logger = pino({
    base: { service, version },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line carries the active span, so a log line leads to its trace.
    mixin() {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const sc = span.spanContext();
      return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: `0${sc.traceFlags.toString(16)}` };
    },
  });
  return {
    tracer: trace.getTracer(`bookinfo-${service}`, version),
    logger,
    shutdown: () => provider.shutdown(),
  };
}
