import { after, before, test } from 'node:test';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { checkJaegerTrace, checkV3Trace, emitTrace } from './support.ts';

// The real OpenTelemetry JS exporters, one per OTLP variant, into one all-in-one.
let w: RunningWaymark;
before(async () => {
  w = await startWaymark();
});
after(async () => {
  await w?.stop();
});

test('OTLP/HTTP protobuf (exporter-trace-otlp-proto): spans come back from the Jaeger API and api_v3', async () => {
  const t = await emitTrace(new ProtoExporter({ url: `http://127.0.0.1:${w.ports.otlpHttp}/v1/traces` }), 'otlp-proto-svc');
  await checkJaegerTrace(w, t);
  await checkV3Trace(w, t);
});

test('OTLP/HTTP JSON (exporter-trace-otlp-http): spans come back from the Jaeger API and api_v3', async () => {
  const t = await emitTrace(new JsonExporter({ url: `http://127.0.0.1:${w.ports.otlpHttp}/v1/traces` }), 'otlp-json-svc');
  await checkJaegerTrace(w, t);
  await checkV3Trace(w, t);
});

test('OTLP/gRPC (exporter-trace-otlp-grpc, batch processor): spans come back from the Jaeger API and api_v3', async () => {
  const t = await emitTrace(new GrpcExporter({ url: `http://127.0.0.1:${w.ports.otlpGrpc}` }), 'otlp-grpc-svc', true);
  await checkJaegerTrace(w, t);
  await checkV3Trace(w, t);
});

test('OTLP/gRPC with gzip compression from the client', async () => {
  const t = await emitTrace(new GrpcExporter({ url: `http://127.0.0.1:${w.ports.otlpGrpc}`, compression: 'gzip' as never }), 'otlp-grpc-gzip-svc');
  await checkV3Trace(w, t);
});

test('OTLP/HTTP protobuf with gzip compression from the client', async () => {
  const t = await emitTrace(new ProtoExporter({ url: `http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`, compression: 'gzip' as never }), 'otlp-proto-gzip-svc');
  await checkV3Trace(w, t);
});
