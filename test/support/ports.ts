import dgram from 'node:dgram';
import net from 'node:net';

/** A port free for both TCP and UDP on 127.0.0.1 right now, and not handed out before in this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    if (handedOut.has(port)) continue;
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
