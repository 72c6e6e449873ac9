import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { OtlpHttpSender } from '../support/load.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { nowNs, sleep, traceBatch } from '../storage/support.ts';

/**
 * Slow clients (slowloris) must not hold the HTTP listeners' sockets: a
 * client that trickles its headers, trickles its body or sends nothing is
 * closed by the server once the configured timeout passes, while ordinary
 * requests go on being served.
 */

const PER_KIND = 100;
const HEADER_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 4_000;
/** Generous for a busy machine, yet far below Node's own defaults (60 s headers, 300 s request, checked every 30 s). */
const CLOSE_BOUND_MS = 20_000;

let w: RunningWaymark;
before(async () => {
  w = await startWaymark({ args: ['--http-header-timeout', `${HEADER_TIMEOUT_MS}ms`, '--http-request-timeout', `${REQUEST_TIMEOUT_MS}ms`] });
});
after(async () => {
  await w?.stop();
});

type Kind = 'headers' | 'body' | 'silent';

/** Opens a connection that misbehaves as `kind`; resolves with how long the server took to close it (or undefined if it did not within the bound). */
function slowClient(port: number, kind: Kind): Promise<number | undefined> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let trickle: NodeJS.Timeout | undefined;
    const done = (closedMs: number | undefined) => {
      clearInterval(trickle);
      clearTimeout(bound);
      socket.destroy();
      resolve(closedMs);
    };
    const bound = setTimeout(() => done(undefined), CLOSE_BOUND_MS);
    socket.on('close', () => done(Date.now() - t0));
    socket.on('error', () => {});
    socket.on('data', () => {}); // a 408 may come first; the close is what counts
    socket.on('connect', () => {
      if (kind === 'silent') return;
      if (kind === 'headers') {
        socket.write('POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        let n = 0;
        trickle = setInterval(() => socket.write(`X-Slow-${n++}: a\r\n`), 300);
      } else {
        socket.write('POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n');
        trickle = setInterval(() => socket.write('\x0a'), 300);
      }
    });
  });
}

test('trickling and silent connections are closed within the configured timeouts while normal requests are served', { timeout: 120_000 }, async (t) => {
  const kinds: Kind[] = ['headers', 'body', 'silent'];
  const slow = kinds.flatMap((kind) => Array.from({ length: PER_KIND }, () => slowClient(w.ports.otlpHttp, kind).then((ms) => ({ kind, ms }))));

  // Ordinary traffic meanwhile, on fresh and kept-alive connections.
  let served = 0;
  let failed = 0;
  let stop = false;
  const sender = new OtlpHttpSender(w.ports.otlpHttp, { connections: 2, timeoutMs: 30_000 });
  const normal = (async () => {
    for (let i = 0; !stop; i++) {
      const r = await sender.send(traceBatch('slow-clients', `5${i.toString(16).padStart(6, '0')}`, 1, 3, nowNs()));
      // Push-back is an answer too (the machine may be busy): a client waits and sends again.
      if (r.status === 503) {
        await sleep(1_000);
        continue;
      }
      if (r.status === 200) served++;
      else {
        failed++;
        t.diagnostic(`normal request ${i}: ${r.status} ${r.error ?? ""}`);
      }
      await sleep(100);
    }
  })();

  const results = await Promise.all(slow);
  stop = true;
  await normal;
  sender.close();

  for (const kind of kinds) {
    const mine = results.filter((r) => r.kind === kind);
    const open = mine.filter((r) => r.ms === undefined).length;
    const slowest = Math.max(...mine.map((r) => r.ms ?? Infinity));
    t.diagnostic(`${kind}: ${mine.length - open} of ${mine.length} closed by the server, the last after ${slowest} ms`);
    assert.equal(open, 0, `${open} of ${PER_KIND} "${kind}" connections were still open ${CLOSE_BOUND_MS} ms later`);
    // Never before the timeout the client is entitled to.
    const first = Math.min(...mine.map((r) => r.ms!));
    assert.ok(first >= (kind === 'body' ? REQUEST_TIMEOUT_MS : HEADER_TIMEOUT_MS) - 250, `a "${kind}" connection was closed after only ${first} ms`);
  }
  t.diagnostic(`normal requests meanwhile: ${served} served, ${failed} failed`);
  assert.ok(served >= 10, `only ${served} normal requests were served meanwhile`);
  assert.equal(failed, 0, `${failed} normal requests failed meanwhile`);
});
