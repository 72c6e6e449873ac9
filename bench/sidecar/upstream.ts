/**
 * The benchmark's server: answers every request with 1 kB (Istio's load
 * tests use 1 kB payloads), and, on /api/v2/spans, 202 like a Zipkin
 * collector so the sidecars can report without a real backend.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const payload = Buffer.alloc(1024, 'x');
const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.url === '/api/v2/spans') {
    req.resume();
    req.on('end', () => res.writeHead(202).end());
    return;
  }
  req.resume();
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': payload.length });
  res.end(payload);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
process.stdin.on('end', () => process.exit(0)).resume();
