// The one way tests pick a port for a server they start (Postgres, Redis, HAProxy, coturn, cluster
// nodes, server processes).
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/**
 * Ports are drawn from 10000–19999, outside Linux's ephemeral range (32768–60999 by default), which
 * every outbound connection and every listener on port 0 draws from. A port the kernel handed out
 * (port 0) and closed again could be taken, before the server bound it, by one of the many sockets
 * a test run opens at that moment: a cluster node failed to start so (metrics listener,
 * EADDRINUSE) while the other nodes were connecting to Redis and Postgres. Also below coturn's
 * relay ports (20000–28999, test/e2e/coturn.ts). The bind check below skips ports in use.
 */
const FIRST = 10_000;
const COUNT = 10_000;
const ATTEMPTS = 50;

function bindsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function bindsUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const u = createSocket('udp4');
    u.once('error', () => resolve(false));
    u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
  });
}

/** A port free on 127.0.0.1 for TCP (and for UDP too with `udp`, as coturn listens on both). */
export async function freePort(o: { udp?: boolean } = {}): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = FIRST + Math.floor(Math.random() * COUNT);
    if ((await bindsTcp(port)) && (!o.udp || (await bindsUdp(port)))) return port;
  }
  throw new Error(`no free port on 127.0.0.1 in ${FIRST}–${FIRST + COUNT - 1} after ${ATTEMPTS} tries`);
}
