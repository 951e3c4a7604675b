import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { setListenerErrorSink } from '../src/shared/events.ts';
import { AuthService } from './auth/AuthService.ts';
import { clientAddress } from './auth/clientAddress.ts';
import { RevocationWatcher } from './auth/RevocationWatcher.ts';
import type { ServerConfig } from './config.ts';
import { callsAcrossNodes } from './cluster/media/callsAcrossNodes.ts';
import { ClusterMedia, type ClusterMediaOptions } from './cluster/media/ClusterMedia.ts';
import { registerClusterMediaMetrics } from './cluster/media/clusterMediaMetrics.ts';
import { CallService } from './domain/CallService.ts';
import { Presence } from './domain/Presence.ts';
import { DIRECTORY_LIMITS } from '../src/shared/protocol/index.ts';
import { SINGLE_NODE_HANDOVER, type CallHandover } from './drain/CallHandover.ts';
import { Drain, drainingReason, type DrainEnd } from './drain/Drain.ts';
import { releaseConnections, takesPart, type Releasable } from './drain/releaseConnections.ts';
import { Logger } from './logger.ts';
import { startMetricsServer, type MetricsListener } from './metrics/MetricsServer.ts';
import { instrumentStore } from './metrics/instrumentStore.ts';
import { Readiness } from './metrics/Readiness.ts';
import { ServerMetrics } from './metrics/ServerMetrics.ts';
import { TransportStats } from './metrics/TransportStats.ts';
import { SessionRegistry } from './routing/SessionRegistry.ts';
import { SfuService } from './sfu/SfuService.ts';
import { TurnCredentials } from './sfu/TurnConfig.ts';
import { GuardedStore } from './store/GuardedStore.ts';
import { StorageHealth } from './store/StorageHealth.ts';
import { storageFault } from './store/storageFaults.ts';
import { clusterSettings } from './cluster/ClusterConfig.ts';
import { ClusterNode } from './cluster/ClusterNode.ts';
import { openStore } from './cluster/openStore.ts';
import type { Store } from './store/Store.ts';
import { UserCache } from './store/UserCache.ts';
import { AdmissionControl } from './transport/AdmissionControl.ts';
import { CLOSE, ClientConnection } from './transport/ClientConnection.ts';
import { RequestLane } from './transport/RequestLane.ts';
import { handleUpgrades } from './transport/upgrades.ts';
import { WriteCoalescer } from './transport/WriteCoalescer.ts';
import type { Services } from './transport/handlers/index.ts';
import { loadTls, type TlsMaterial } from './transport/tls.ts';
import { errorMessage } from '../src/shared/errors.ts';

const log = new Logger('Server');
const listenerLog = new Logger('Listener');
/** Every emitter's throwing listener goes to the server log (set once per process; the same function each time). */
export function logListenerError(source: string, event: string, error: unknown): void {
  listenerLog.error('%s: a "%s" listener threw: %s', source, event, error instanceof Error ? (error.stack ?? error.message) : String(error));
}
/** ws drops anything larger outright (close 1009); below it our own cap answers with frame_too_large. */
const HARD_FRAME_CAP = 1024 * 1024;
const PRESENCE_FLUSH_MS = 100;
/** How often a down storage is retried without traffic. */
const STORAGE_PROBE_MS = 1_000;
/** How long a stopping server waits for its clients to answer the draining close before it drops them. */
const GOODBYE_MS = 1_000;

export interface RingdeskServer {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /** http://host:port of the metrics listener (/metrics, /readyz), or null when metrics.enabled is false. */
  readonly metricsUrl: string | null;
  /** Media across nodes, when the server runs in a cluster (ServerParts.clusterMedia); else null. */
  readonly media: ClusterMedia | null;
  /** What /readyz checks; another component adds its own with one `add()`. */
  readonly readiness: Readiness;
  /**
   * Cluster mode: this node (its id, the route table with `nodeOf(user, device)`, the bus, leases);
   * null for the embedded single process.
   */
  readonly cluster: ClusterNode | null;
  /**
   * Re-reads tls.certFile/keyFile/caFile (SIGHUP). New connections get the new certificate, open
   * ones keep theirs. A failure keeps the old certificate and says why. No-op without TLS.
   */
  reloadTls(): { ok: true; subject: string | null } | { ok: false; error: string };
  /**
   * Starts draining (what SIGTERM does; docs/deployment-server.md, "Draining"): /readyz fails, new
   * connections are refused with close 4307, the call leases are handed over, clients are told to
   * reconnect elsewhere, the media of the calls hosted here stays until they end or drainTimeoutMs
   * passes, then the server stops. Resolves once it has stopped. A second call stops at once.
   */
  drain(): Promise<DrainEnd>;
  /** SIGINT: stops at once, draining or not; the clients still get close 4307 and the rooms serverRestart. */
  stopNow(): Promise<DrainEnd>;
  /** True from the start of a drain (or stopNow) until the process exits. */
  readonly draining: boolean;
  /** Stops accepting, drops every socket (no close frame) and closes the store. Started calls stay stored for the next start. */
  close(): Promise<void>;
}

/** What the server is composed with beyond its config; the cluster's wiring passes its own (from redis.url and cluster.*). */
export interface ServerParts {
  /** Where a drain hands this node's calls; default: a single node (nowhere). */
  handover?: CallHandover;
  /** Media across nodes: placement, load reports and the relay (server/cluster/media). */
  clusterMedia?: Omit<ClusterMediaOptions, 'config' | 'sessions'>;
  /** Where sign-ins and list reads wait behind calling; tests pass one whose turns they run by hand. */
  lane?: RequestLane;
}

/**
 * Time as the server sees it. Tests pass their own so that rate limits, the sign-in deadline and the
 * heartbeat sweep do not depend on how fast a busy machine runs them (docs/testing.md).
 */
export interface ServerClock {
  now(): number;
  /** Runs `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}
export const SYSTEM_CLOCK: ServerClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Composition root of the signaling server. */
export async function startServer(
  config: ServerConfig,
  /** The system of record; by default the config's (PostgreSQL in cluster mode, else SQLite at dbPath). */
  given?: Store,
  /**
   * The server's time and one-shot timers: tests move time forward (token lifetimes, sign-in
   * deadlines) without waiting. A clock without `after` keeps real timers.
   */
  clock: Pick<ServerClock, 'now'> & Partial<ServerClock> = SYSTEM_CLOCK,
  parts: ServerParts = {},
): Promise<RingdeskServer> {
  // Before anything else: a bad certificate or key stops the start, naming the file (exit 2).
  let tls: TlsMaterial | null = config.tls ? loadTls(config.tls) : null;
  setListenerErrorSink(logListenerError);
  const rawStore = given ?? (await openStore(config));
  const now = (): number => clock.now();
  const stats = new TransportStats();
  let observeCommit: (seconds: number) => void = () => undefined;
  const timed = config.metrics.enabled ? instrumentStore(rawStore, (s) => observeCommit(s)) : rawStore;
  // Every store call goes through the guard: a full or read-only disk answers storage_unavailable, never crashes.
  const storage = new StorageHealth(now);
  const store = new GuardedStore(timed, storage, storageFault);
  // Cluster mode (redis + postgres configured): sessions, presence and call ownership span the nodes through Redis.
  const settings = clusterSettings(config);
  const cluster = settings ? new ClusterNode(settings, store, PRESENCE_FLUSH_MS) : null;
  await cluster?.start();
  const sessions = cluster?.sessions ?? new SessionRegistry();
  const presence = cluster?.presence ?? new Presence(PRESENCE_FLUSH_MS, DIRECTORY_LIMITS.maxSubscriptionsPerConnection);
  const users = new UserCache(store, { ttlMs: config.userCacheTtlMs, now });
  const auth = await AuthService.create(store, config, { now, users });
  const revocations = new RevocationWatcher({
    store,
    sessions,
    pollMs: config.revocationPollMs,
    closes: {
      disabled: { code: CLOSE.accountDisabled, reason: 'account disabled', push: 'accountDisabled' },
      password: { code: CLOSE.signedOut, reason: 'signed out: password changed', push: 'passwordChanged' },
      signout: { code: CLOSE.signedOut, reason: 'signed out everywhere', push: 'signedOutEverywhere' },
    },
    // `user disable|passwd` in another process changed the row: read it afresh.
    onRevoked: (userId) => users.invalidate(userId),
  });
  await revocations.start();
  const calls = new CallService({ store, users, sessions, graceMs: config.heartbeatTimeoutMs, now, ...(cluster ? { placement: cluster.leases } : {}) });
  await calls.start();
  cluster?.attach(calls);
  // Before listening: a missing worker is reported once, here, and the server runs on without media.
  const turn = config.turn ? new TurnCredentials(config.turn, now) : null;
  // Media across nodes: a test may compose it alone (ServerParts); cluster mode always has it, with the
  // cluster's node id and secret, and pushes to devices on other nodes through the signaling cluster.
  const mediaParts: ServerParts['clusterMedia'] =
    parts.clusterMedia ??
    (cluster && settings
      ? { nodeId: settings.nodeId, secret: settings.secret, redis: settings.redisUrl, pushAnywhere: (userId, deviceId, push) => cluster.sessions.push(userId, deviceId, push) }
      : undefined);
  const media = mediaParts ? new ClusterMedia({ ...mediaParts, config: config.sfu.cluster, sessions }) : null;
  const sfu = new SfuService({ config: config.sfu, calls: cluster ? callsAcrossNodes(calls, store) : calls, sessions: media?.sessions ?? sessions, graceMs: config.heartbeatTimeoutMs, turn, remote: media });
  // The media node of a call this node owns hears its changes over the relay.
  if (cluster && media) calls.on('changed', (call) => void media.callChanged(call).catch((e: unknown) => log.warn('call %s: media node not told of a change: %s', call.callID, errorMessage(e))));
  await sfu.start();
  try {
    await media?.start(sfu);
  } catch (e) {
    // The relay's port is taken, say: nothing half-started is left behind.
    await media?.close();
    sfu.close();
    throw e;
  }
  const services: Services = { config, store, users, auth, revocations, calls, sessions, presence, sfu, storage, writes: new WriteCoalescer(), lane: parts.lane ?? new RequestLane(), now, after: clock.after ?? SYSTEM_CLOCK.after, stats };
  const admission = new AdmissionControl({ ...config.admission, queueWaitMs: () => services.lane.waitMs });
  const conns = new Set<ClientConnection>();
  let closing = false;
  /** Connections told to go (close 4307) whose close handshake has not finished yet. */
  const released = new WeakSet<Releasable>();
  const drain = new Drain(
    {
      handover: parts.handover ?? cluster?.handover ?? SINGLE_NODE_HANDOVER,
      // A single node still runs its calls: their members stay on it, everyone else is sent away.
      release: (keepInCall) => releaseConnections(conns, keepInCall ? (userId) => takesPart(userId, calls.localActiveCalls(userId)) : null, released),
      rooms: () => sfu.rooms.size,
      holdMedia: () => sfu.holdMedia(),
      stop: () => shutdown(true),
    },
    { timeoutMs: config.drainTimeoutMs, clock: { now, after: services.after } },
  );
  // 200 while the process serves: a liveness probe must not restart a server that only waits for its disk. `ready` says whether it can do its job.
  const health = () => ({
    ok: true,
    ready: storage.ready && !drain.draining,
    draining: drain.draining,
    connections: sessions.connectionCount,
    activeCalls: calls.activeCallCount,
    media: { available: sfu.available, rooms: sfu.rooms.size, ...(media ? { node: media.nodeId, relay: media.relayUrl } : {}) },
    storage: storage.state,
    ...(cluster ? { cluster: { nodeId: cluster.nodeId, redis: cluster.bus.up, aliveNodes: [...cluster.routes.aliveNodes], ownedCalls: cluster.leases.ownedCount } } : {}),
    admission: { ...admission.load, ...admission.stats },
  });
  // While storage is down, a harmless write every few seconds: readiness comes back without waiting for traffic.
  let probing = false;
  const probe = setInterval(() => {
    if (storage.ready || probing) return;
    probing = true;
    void store.probe(now()).finally(() => (probing = false));
  }, STORAGE_PROBE_MS);
  probe.unref();

  const readiness = new Readiness();
  readiness.add({ name: 'shutdown', check: () => (closing ? 'the server is shutting down' : null) });
  // First thing a drain does: the load balancer stops sending new clients here.
  readiness.add({ name: 'draining', check: () => (drain.draining ? 'draining' : null) });
  // A full, read-only or failing disk (StorageHealth): not ready until a write succeeds again.
  readiness.add({ name: 'storage', check: () => (storage.ready ? null : `storage unavailable: ${storage.lastError?.code ?? 'unknown'} ${storage.lastError?.message ?? ''}`.trim()) });
  readiness.add({
    name: 'store',
    // A read through the store proves it is open and answering, whatever the backend.
    check: async () => {
      await store.getMeta('readyz.probe');
      return null;
    },
  });
  if (cluster) readiness.add({ name: 'redis', check: () => (cluster.bus.up ? null : 'redis (the cluster coordinator) is not reachable') });
  readiness.add({
    name: 'media',
    check: () => {
      if (!config.sfu.enabled) return null; // turned off on purpose: calls work without media
      const up = sfu.pool?.workers.length ?? 0;
      return up > 0 ? null : 'no mediasoup worker is running';
    },
  });

  const routes = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(health()));
      return;
    }
    if (path === '/metrics' || path === '/readyz') {
      // Served on the metrics listener only (metrics.host/port): internals stay off the public address.
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('Ringdesk signaling: connect with a WebSocket to /ws\n');
  };
  const http: Server | TlsServer = tls ? createTlsServer(tls.options, routes) : createServer(routes);
  const wss = new WebSocketServer({ noServer: true, path: '/ws', maxPayload: HARD_FRAME_CAP, perMessageDeflate: false });
  handleUpgrades({
    http,
    wss,
    admission,
    stats,
    // A draining node takes nobody new: the client goes to another node (or comes back after the restart).
    draining: () => (drain.draining || closing ? drainingReason() : null),
    accept(ws, req, signedIn) {
      const c = new ClientConnection(ws, services, clientAddress(req, config.trustProxy), req.socket, signedIn);
      conns.add(c);
      ws.on('close', () => {
        conns.delete(c);
        presence.drop(c);
      });
    },
  });

  // A connection silent past the heartbeat timeout is dead: terminate it so its member's grace starts.
  const sweep = setInterval(() => {
    const cutoff = now() - config.heartbeatTimeoutMs;
    for (const c of conns) if (c.lastSeen < cutoff) c.terminate();
  }, Math.max(100, Math.floor(config.heartbeatTimeoutMs / 4)));

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => resolve());
  });
  const { port } = http.address() as AddressInfo; // listening on TCP, so this is an AddressInfo
  const url = `${tls ? 'wss' : 'ws'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/ws`;
  log.info('listening on %s (%s)', url, cluster ? `cluster node ${cluster.nodeId}, postgres` : `db ${config.dbPath}`);
  if (tls) log.info('tls: serving %s, valid until %s', tls.subject, new Date(tls.notAfter).toISOString());

  let metrics: ServerMetrics | null = null;
  let metricsListener: MetricsListener | null = null;
  let stopped: Promise<void> | null = null;
  /** `goodbye`: clients get close 4307 (reconnect elsewhere, at once with jitter) rather than a dropped socket. */
  const shutdown = (goodbye = false): Promise<void> => (stopped ??= stop(goodbye));
  const stop = async (goodbye: boolean): Promise<void> => {
    closing = true;
    await metricsListener?.close();
    metrics?.close();
    clearInterval(sweep);
    clearInterval(probe);
    admission.stop();
    revocations.stop();
    calls.stop();
    await media?.close();
    sfu.close();
    presence.stop();
    if (goodbye) {
      releaseConnections(conns, null, released);
      // Until each client answered the close frame (so the code reaches it), for at most GOODBYE_MS.
      for (let waited = 0; conns.size > 0 && waited < GOODBYE_MS; waited += 20) await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of conns) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    await new Promise<void>((r) => http.close(() => r()));
    await cluster?.close();
    await store.close();
  };
  if (config.metrics.enabled) {
    const m = new ServerMetrics({
      stats,
      calls,
      sfu,
      draining: () => drain.draining,
      lane: services.lane,
      connections: () => {
        let authenticated = 0;
        for (const c of conns) if (c.authenticated) authenticated++;
        return { preAuth: conns.size - authenticated, authenticated };
      },
    });
    metrics = m;
    observeCommit = (s) => m.observeStoreCommit(s);
    if (media) registerClusterMediaMetrics([m.registry], media);
    if (tls) m.tlsLoaded(tls.notAfter);
    try {
      metricsListener = await startMetricsServer(config.metrics, m, readiness, health);
    } catch (e) {
      await shutdown(); // nothing half-started is left behind (workers, timers, the public port)
      throw e;
    }
  }

  return {
    url,
    port,
    services,
    metricsUrl: metricsListener?.url ?? null,
    media,
    readiness,
    cluster,
    reloadTls() {
      if (!config.tls || !('setSecureContext' in http)) {
        log.info('reload requested: no tls configured, nothing to reload');
        return { ok: true, subject: null };
      }
      try {
        const next = loadTls(config.tls);
        http.setSecureContext(next.options);
        tls = next;
        metrics?.tlsLoaded(next.notAfter);
        metrics?.tlsReloaded(true);
        log.info('tls reloaded: serving %s, valid until %s', next.subject, new Date(next.notAfter).toISOString());
        return { ok: true, subject: next.subject };
      } catch (e) {
        const error = errorMessage(e);
        metrics?.tlsReloaded(false);
        log.error('tls reload failed, still serving the previous certificate: %s', error);
        return { ok: false, error };
      }
    },
    drain: () => drain.start(),
    stopNow: () => drain.stopNow(),
    get draining() {
      return drain.draining;
    },
    close: () => shutdown(false),
  };
}
