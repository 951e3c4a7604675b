import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { AuthService } from './auth/AuthService.ts';
import type { ServerConfig } from './config.ts';
import { CallService } from './domain/CallService.ts';
import { Presence } from './domain/Presence.ts';
import { Logger } from './logger.ts';
import { SessionRegistry } from './routing/SessionRegistry.ts';
import { SfuService } from './sfu/SfuService.ts';
import { SqliteStore } from './store/sqliteStore.ts';
import type { Store } from './store/Store.ts';
import { UserCache } from './store/UserCache.ts';
import { AdmissionControl, busyReason } from './transport/AdmissionControl.ts';
import { CLOSE, ClientConnection } from './transport/ClientConnection.ts';
import { WriteCoalescer } from './transport/WriteCoalescer.ts';
import type { Services } from './transport/handlers/index.ts';

const log = new Logger('Server');
/** ws drops anything larger outright (close 1009); below it our own cap answers with frame_too_large. */
const HARD_FRAME_CAP = 1024 * 1024;
const PRESENCE_FLUSH_MS = 100;

export interface RingdeskServer {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /** Stops accepting, closes every socket and the store. Started calls stay stored for the next start. */
  close(): Promise<void>;
}

/** Composition root of the signaling server. */
export async function startServer(config: ServerConfig, store: Store = new SqliteStore(config.dbPath)): Promise<RingdeskServer> {
  const now = (): number => Date.now();
  const sessions = new SessionRegistry();
  const presence = new Presence(sessions, PRESENCE_FLUSH_MS);
  const users = new UserCache(store, { ttlMs: config.userCacheTtlMs, now });
  const auth = await AuthService.create(store, config.tokenSecret, config.tokenTtlSec, now, users);
  const calls = new CallService({ store, users, sessions, graceMs: config.heartbeatTimeoutMs, now });
  await calls.start();
  // Before listening: a missing worker is reported once, here, and the server runs on without media.
  const sfu = new SfuService({ config: config.sfu, calls, sessions, graceMs: config.heartbeatTimeoutMs });
  await sfu.start();
  const services: Services = { config, store, users, auth, calls, sessions, presence, sfu, writes: new WriteCoalescer(), now };

  const admission = new AdmissionControl(config.admission);
  const http: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, connections: sessions.connectionCount, activeCalls: calls.activeCallCount, media: { available: sfu.available, rooms: sfu.rooms.size }, admission: { ...admission.load, ...admission.stats } }));
      return;
    }
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('Ringdesk signaling: connect with a WebSocket to /ws\n');
  });
  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: HARD_FRAME_CAP, perMessageDeflate: false });
  const conns = new Set<ClientConnection>();
  wss.on('connection', (ws, req) => {
    // Before any work for it: an overloaded server turns the newcomer away rather than slowing everyone.
    const a = admission.admit();
    if (!a.admit) {
      ws.close(CLOSE.serverBusy, busyReason(a.retryAfterMs));
      return;
    }
    const signedInOrGone = admission.signInPending();
    const c = new ClientConnection(ws, services, req.socket, signedInOrGone);
    conns.add(c);
    ws.on('close', () => {
      signedInOrGone();
      conns.delete(c);
    });
  });

  // A connection silent past the heartbeat timeout is dead: terminate it so its member's grace starts.
  const sweep = setInterval(() => {
    const cutoff = now() - config.heartbeatTimeoutMs;
    for (const c of conns) if (c.lastSeen < cutoff) c.terminate();
  }, Math.max(100, Math.floor(config.heartbeatTimeoutMs / 4)));

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo; // listening on TCP, so this is an AddressInfo
  const url = `ws://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/ws`;
  log.info('listening on %s (db %s)', url, config.dbPath);

  return {
    url,
    port,
    services,
    async close() {
      clearInterval(sweep);
      admission.stop();
      calls.stop();
      sfu.close();
      presence.stop();
      for (const c of conns) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
      await store.close();
    },
  };
}
