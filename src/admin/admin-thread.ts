import { Hono } from 'hono';
import { parentPort, workerData } from 'node:worker_threads';
import { listenHttp, type HttpEnv } from '../server/http.ts';
import { HEALTH_STATES, STALL_MS, type AdminThreadData, type FromAdminThread, type ToAdminThread } from './admin-protocol.ts';

/**
 * The admin port's own thread: /health is answered here from state the main
 * thread writes into shared memory, so it answers at once however busy the
 * main event loop is with ingest; a main loop that stops ticking turns it
 * 503. /metrics asks the main thread for the registry's text.
 */
const data = workerData as AdminThreadData;
const port = parentPort!;
const state = new Int32Array(data.shared);
const heartbeat = new Float64Array(data.shared, 8);
const waiting = new Map<number, (text: string) => void>();
let nextId = 1;

const app = new Hono<HttpEnv>();
app.get('/health', (c) => {
  const s = HEALTH_STATES[Atomics.load(state, 0)] ?? 'starting';
  const stalledMs = Date.now() - heartbeat[0]!;
  if (s === 'serving' && stalledMs > STALL_MS) {
    return c.json({ status: `Server not available: event loop stalled for ${Math.round(stalledMs)} ms` }, 503);
  }
  return c.json({ status: s === 'serving' ? 'Server available' : `Server not available: ${s}` }, s === 'serving' ? 200 : 503);
});
app.get('/metrics', async (c) => {
  const id = nextId++;
  const text = await new Promise<string>((resolve) => {
    waiting.set(id, resolve);
    port.postMessage({ op: 'metrics', id } satisfies FromAdminThread);
  });
  return c.text(text, 200, { 'Content-Type': data.metricsContentType });
});
app.notFound((c) => c.text('not found: the admin port serves /health and /metrics', 404));

try {
  const listener = await listenHttp(app, data.host, data.port, 'admin', { limits: data.limits });
  port.on('message', (m: ToAdminThread) => {
    if (m.op === 'metrics') {
      waiting.get(m.id)?.(m.text);
      waiting.delete(m.id);
    } else if (m.op === 'close') {
      void listener.close().then(() => port.close());
    }
  });
  port.postMessage({ op: 'listening', port: listener.port } satisfies FromAdminThread);
} catch (err) {
  port.postMessage({ op: 'failed', message: (err as Error).message } satisfies FromAdminThread);
  port.close();
}
