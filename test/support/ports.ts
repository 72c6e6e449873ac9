import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A port free for both TCP and UDP on 127.0.0.1 right now, and not handed out before in this
 * process. Candidates are drawn at random below Linux's ephemeral range (32768+), so the
 * kernel does not hand the same port to an outgoing connection meanwhile.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 15000 + Math.floor(Math.random() * 17000);
    if (handedOut.has(port)) continue;
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (!tcpFree) continue;
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = dgram.createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (!udpFree) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port found');
}

const handedOut = new Set<number>();
