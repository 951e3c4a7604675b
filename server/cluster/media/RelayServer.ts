import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isRingdeskError } from '../../../src/shared/errors.ts';
import { isSfuRequestType, parseRequestFrame, type DeviceId, type Push, type UserId } from '../../../src/shared/protocol/index.ts';
import { Logger } from '../../logger.ts';
import type { SfuService } from '../../sfu/SfuService.ts';
import type { RelayedSessions, PushLink } from './RelayedSessions.ts';
import {
  ClientFrameSchema,
  macEquals,
  newNonce,
  parseFrame,
  RELAY_AUTH_TIMEOUT_MS,
  RELAY_CLOSE,
  RELAY_MAX_FRAME,
  RELAY_PATH,
  relayMac,
  type RelayClientFrame,
  type RelayServerFrame,
} from './relayProtocol.ts';

const log = new Logger('RelayServer');

export interface RelayServerOptions {
  host: string;
  port: number;
  nodeId: string;
  secret: string;
  sfu: Pick<SfuService, 'handleHere' | 'deviceOnlineHere' | 'deviceOfflineHere' | 'callChanged'>;
  sessions: RelayedSessions;
}

/**
 * The media node's end of the relay: other nodes dial it, prove they hold the cluster secret, and
 * send their members' sfu* requests; it runs them in this node's rooms (SfuService.handleHere,
 * which authorizes each one against the call) and sends the rooms' pushes back the same way.
 */
export class RelayServer {
  readonly #o: RelayServerOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #links = new Set<InboundLink>();
  /** Connections refused for a bad or missing MAC (a test and an operator's dashboard read it). */
  rejected = 0;

  private constructor(o: RelayServerOptions) {
    this.#o = o;
    this.#http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('Ringdesk media relay: node-to-node only\n');
    });
    this.#wss = new WebSocketServer({ server: this.#http, path: RELAY_PATH, maxPayload: RELAY_MAX_FRAME, perMessageDeflate: false });
    this.#wss.on('connection', (ws) => this.#accept(ws));
  }

  static async start(o: RelayServerOptions): Promise<RelayServer> {
    const s = new RelayServer(o);
    await new Promise<void>((resolve, reject) => {
      s.#http.once('error', reject);
      s.#http.listen(o.port, o.host, () => resolve());
    });
    log.info('listening [node:%s, %s:%d]', o.nodeId, o.host, s.port);
    return s;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port; // listening on TCP, so this is an AddressInfo
  }
  /** Authenticated links from other nodes, by their node id. */
  get peers(): string[] {
    return [...this.#links].filter((l) => l.nodeId !== null).map((l) => l.nodeId ?? '');
  }

  #accept(ws: WebSocket): void {
    const link = new InboundLink(ws, this.#o, () => this.rejected++);
    this.#links.add(link);
    ws.on('close', () => {
      this.#links.delete(link);
      link.closed();
    });
  }

  async close(): Promise<void> {
    for (const l of this.#links) l.ws.close(RELAY_CLOSE.shuttingDown, 'node shutting down');
    await new Promise<void>((r) => this.#wss.close(() => r()));
    await new Promise<void>((r) => this.#http.close(() => r()));
  }
}

/** One dialling node's connection: unauthenticated until its MAC checks out. */
class InboundLink implements PushLink {
  readonly ws: WebSocket;
  readonly #o: RelayServerOptions;
  readonly #nonce = newNonce();
  readonly #timer: NodeJS.Timeout;
  nodeId: string | null = null;

  constructor(ws: WebSocket, o: RelayServerOptions, onRejected: () => void) {
    this.ws = ws;
    this.#o = o;
    this.#timer = setTimeout(() => this.#refuse('no authentication in time', onRejected), RELAY_AUTH_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => {
      const f = isBinary ? null : parseFrame(ClientFrameSchema, data.toString());
      if (!f) return void ws.close(RELAY_CLOSE.protocol, 'relay_protocol: not a relay frame');
      if (this.nodeId === null) return this.#authenticate(f, onRejected);
      this.#onFrame(f);
    });
    this.#send({ t: 'hello', node: o.nodeId, nonce: this.#nonce });
  }

  get open(): boolean {
    return this.nodeId !== null && this.ws.readyState === this.ws.OPEN;
  }

  push(userId: UserId, deviceId: DeviceId, push: Push): void {
    this.#send({ t: 'push', userId, deviceId, push });
  }

  #send(f: RelayServerFrame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(f));
  }

  #refuse(why: string, onRejected: () => void): void {
    onRejected();
    log.warn('relay connection refused: %s', why); // never the MAC or the secret
    this.ws.close(RELAY_CLOSE.unauthorized, 'relay_unauthorized');
  }

  #authenticate(f: RelayClientFrame, onRejected: () => void): void {
    if (f.t !== 'auth') return this.#refuse(`"${f.t}" before authenticating`, onRejected);
    const want = relayMac(this.#o.secret, 'client', this.#nonce, f.node, this.#o.nodeId);
    if (!macEquals(want, f.mac)) return this.#refuse(`bad MAC from a peer calling itself ${f.node} (is its cluster secret the same?)`, onRejected);
    clearTimeout(this.#timer);
    this.nodeId = f.node;
    // Proves this end holds the secret too: the dialling node will not take pushes from an impostor.
    this.#send({ t: 'ready', mac: relayMac(this.#o.secret, 'server', f.nonce, f.node, this.#o.nodeId) });
    log.info('relay link up [from:%s]', f.node);
  }

  #onFrame(f: RelayClientFrame): void {
    const { sessions, sfu } = this.#o;
    switch (f.t) {
      case 'auth':
        return void this.ws.close(RELAY_CLOSE.protocol, 'relay_protocol: already authenticated');
      case 'online':
        // Known again only by its next request (which carries its name); the grace stops now.
        return sfu.deviceOnlineHere(f.userId, f.deviceId);
      case 'offline':
        if (sessions.gone(f.userId, f.deviceId, this)) sfu.deviceOfflineHere(f.userId, f.deviceId);
        return;
      case 'req':
        return void this.#request(f);
      case 'changed':
        return sfu.callChanged(f.callID);
    }
  }

  async #request(f: Extract<RelayClientFrame, { t: 'req' }>): Promise<void> {
    const { sessions, sfu } = this.#o;
    const { actor } = f;
    // The dialling node authenticated the device; what it may do in the call is checked here, by handleHere.
    const parsed = parseRequestFrame(f.req);
    try {
      if (parsed.error) throw parsed.error;
      const req = parsed.request;
      if (!req || !isSfuRequestType(req.type)) return this.#send({ t: 'res', id: f.id, error: { code: 'unknown_type', message: `the relay carries sfu* requests only, not "${f.req.type}"` } });
      sessions.seen(actor.userId, actor.deviceId, actor.deviceName, this);
      sfu.deviceOnlineHere(actor.userId, actor.deviceId);
      // Narrowed by isSfuRequestType just above.
      const result = await sfu.handleHere({ userId: actor.userId, deviceId: actor.deviceId }, req as Parameters<typeof sfu.handleHere>[1]);
      this.#send({ t: 'res', id: f.id, result });
    } catch (e) {
      if (isRingdeskError(e)) return this.#send({ t: 'res', id: f.id, error: { code: e.code, message: e.message } });
      log.error('relayed %s failed: %s', f.req.type, e instanceof Error ? (e.stack ?? e.message) : String(e));
      this.#send({ t: 'res', id: f.id, error: { code: 'internal', message: 'the media node failed to handle the request' } });
    }
  }

  /** The dialling node is gone: its devices' media get the grace period, as a dropped connection does. */
  closed(): void {
    clearTimeout(this.#timer);
    if (this.nodeId === null) return;
    log.info('relay link down [from:%s]', this.nodeId);
    for (const d of this.#o.sessions.through(this)) {
      if (this.#o.sessions.gone(d.userId, d.deviceId, this)) this.#o.sfu.deviceOfflineHere(d.userId, d.deviceId);
    }
  }
}
