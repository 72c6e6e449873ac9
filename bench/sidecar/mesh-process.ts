/**
 * The two sidecars of one hop, in their own process so their CPU can be
 * measured apart from the load generator: the caller's (outbound) and the
 * callee's (inbound, in front of the upstream server).
 * argv: <upstream port> <sampling percent>
 */
import { normalizeMeshConfig } from '../../src/mesh/config.ts';
import { Mesh } from '../../src/mesh/mesh.ts';

const upstream = Number(process.argv[2]);
const sampling = Number(process.argv[3] ?? 1);
const config = normalizeMeshConfig({
  tracing: { endpoint: `http://127.0.0.1:${upstream}/api/v2/spans`, randomSamplingPercentage: sampling, flushIntervalMs: 1000, maxBatchSpans: 100 },
  gateway: { port: 0, http: [] },
  services: [
    { name: 'client', instances: [{ version: 'v1', appPort: 1 }] },
    { name: 'server', instances: [{ version: 'v1', appPort: upstream }] },
  ],
});
const mesh = new Mesh(config);
await mesh.start();
process.stdout.write(JSON.stringify({ outbound: config.services[0]!.instances[0]!.outboundPort }) + '\n');
process.stdin.on('end', () => void mesh.shutdown().then(() => process.exit(0))).resume();
