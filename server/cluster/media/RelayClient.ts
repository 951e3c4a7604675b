import { WebSocket } from 'ws';
import { errorMessage, RingdeskError } from '../../../src/shared/errors.ts';
import { parseServerFrame, type DeviceId, type Push, type UserId } from '../../../src/shared/protocol/index.ts';
import { Logger } from '../../logger.ts';
import {
  macEquals,
  newNonce,
  parseFrame,
  RELAY_AUTH_TIMEOUT_MS,
  RELAY_CLOSE,
  RELAY_MAX_FRAME,
  relayMac,
  RelayError,
  ServerFrameSchema,
  type RelayActor,
  type RelayClientFrame,
  type RelayServerFrame,
} from './relayProtocol.ts';

const log = new Logger('RelayClient');

export interface RelayClientOptions {
  nodeId: string;
  secret: string;
  /** A node's relay URL from its live load report; null: no such node (or it is dead). */
  resolve(nodeId: string): Promise<string | null>;
  timeoutMs: number;
  /** A push from a media node for a device connected here. */
  onPush(userId: UserId, deviceId: DeviceId, push: Push): void;
  /** A link closed (the media node died, restarted or was unreachable). */
  onLinkLost(nodeId: string): void;
}

export interface RelayRequest {
  id: number | string;
  type: string;
  data: unknown;
}

/**
 * This node's links to media nodes, one per node, dialled on first use and again after a loss.
 * Requests wait for the link; each fails on its own after the timeout (relay_timeout), at once when
 * the node is unknown (relay_unknown_node), refuses our MAC or fails its own (relay_unauthorized),
 * or cannot be reached (relay_unreachable).
 */
export class RelayClient {
  readonly #o: RelayClientOptions;
  readonly #links = new Map<string, Promise<OutboundLink>>();
  #closed = false;

  constructor(o: RelayClientOptions) {
    this.#o = o;
  }

  async request(nodeId: string, actor: RelayActor, req: RelayRequest): Promise<unknown> {
    const link = await this.#link(nodeId);
    return link.request(actor, req, this.#o.timeoutMs);
  }

  /**
   * Tells the media node a call changed, dialling it if no link is up: the node that owns a call may
   * have none of its members. A failure is logged; the media node still syncs at the members' next request.
   */
  callChanged(nodeId: string, frame: Extract<RelayClientFrame, { t: 'changed' }>): void {
    this.#link(nodeId).then(
      (l) => l.send(frame),
      (e: unknown) => log.warn('call %s changed, but media node %s was not told: %s', frame.callID, nodeId, errorMessage(e)),
    );
  }

  /** Best effort: only over a link that is up (a device's presence matters only where its media is). */
  notify(nodeId: string, frame: Extract<RelayClientFrame, { t: 'online' | 'offline' }>): void {
    void this.#links
      .get(nodeId)
      ?.then((l) => l.send(frame))
      .catch(() => undefined); // a link that failed to open has nothing to tell
  }

  #link(nodeId: string): Promise<OutboundLink> {
    if (this.#closed) return Promise.reject(new RelayError('relay_unreachable', 'this node is shutting down'));
    const existing = this.#links.get(nodeId);
    if (existing) return existing;
    const p = (async () => {
      const url = await this.#o.resolve(nodeId);
      if (!url) throw new RelayError('relay_unknown_node', `no media node "${nodeId}" is reporting to Redis (unknown, or dead)`);
      return OutboundLink.open(url, nodeId, this.#o, () => {
        if (this.#links.get(nodeId) === p) this.#links.delete(nodeId);
        this.#o.onLinkLost(nodeId);
      });
    })();
    this.#links.set(nodeId, p);
    // A link that never opened is forgotten, so the next request dials again.
    p.catch(() => {
      if (this.#links.get(nodeId) === p) this.#links.delete(nodeId);
    });
    return p;
  }

  close(): void {
    this.#closed = true;
    for (const p of this.#links.values()) void p.then((l) => l.close()).catch(() => undefined);
    this.#links.clear();
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

class OutboundLink {
  readonly #ws: WebSocket;
  readonly #o: RelayClientOptions;
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  private constructor(ws: WebSocket, o: RelayClientOptions) {
    this.#ws = ws;
    this.#o = o;
  }

  /** Dials, answers the hello and checks the media node's own proof; rejects with a RelayError. */
  static open(url: string, nodeId: string, o: RelayClientOptions, onLost: () => void): Promise<OutboundLink> {
    const ws = new WebSocket(url, { maxPayload: RELAY_MAX_FRAME, perMessageDeflate: false, handshakeTimeout: RELAY_AUTH_TIMEOUT_MS });
    const link = new OutboundLink(ws, o);
    const nonce = newNonce();
    return new Promise<OutboundLink>((resolve, reject) => {
      let ready = false;
      const fail = (e: RelayError): void => {
        if (!ready) reject(e);
        ws.terminate();
      };
      const timer = setTimeout(() => fail(new RelayError('relay_timeout', `media node ${nodeId} did not complete the relay handshake`)), RELAY_AUTH_TIMEOUT_MS);
      ws.on('error', (e) => fail(new RelayError('relay_unreachable', `media node ${nodeId} at ${url}: ${e.message}`)));
      ws.on('close', (code) => {
        clearTimeout(timer);
        const e =
          code === RELAY_CLOSE.unauthorized
            ? new RelayError('relay_unauthorized', `media node ${nodeId} refused this node's MAC (are both given the same cluster secret?)`)
            : new RelayError('relay_unreachable', `the relay link to media node ${nodeId} closed (${code})`);
        if (!ready) return reject(e);
        link.#failAll(e);
        onLost();
      });
      ws.on('message', (data, isBinary) => {
        const f = isBinary ? null : parseFrame(ServerFrameSchema, data.toString());
        if (!f) return fail(new RelayError('relay_protocol', `media node ${nodeId} sent a frame that is not a relay frame`));
        if (!ready) {
          if (f.t === 'hello') {
            if (f.node !== nodeId) return fail(new RelayError('relay_unknown_node', `${url} is node ${f.node}, not ${nodeId}`));
            return link.send({ t: 'auth', node: o.nodeId, nonce, mac: relayMac(o.secret, 'client', f.nonce, o.nodeId, nodeId) });
          }
          if (f.t === 'ready' && macEquals(relayMac(o.secret, 'server', nonce, o.nodeId, nodeId), f.mac)) {
            ready = true;
            clearTimeout(timer);
            log.info('relay link up [to:%s]', nodeId);
            return resolve(link);
          }
          return fail(new RelayError('relay_unauthorized', `media node ${nodeId} did not prove it holds the cluster secret`));
        }
        link.#onFrame(f, nodeId);
      });
    });
  }

  send(f: RelayClientFrame): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(f));
  }

  request(actor: RelayActor, req: RelayRequest, timeoutMs: number): Promise<unknown> {
    const id = this.#next++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RelayError('relay_timeout', `the media node did not answer ${req.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.send({ t: 'req', id, actor, req: { id: req.id, type: req.type, data: req.data } });
    });
  }

  #onFrame(f: RelayServerFrame, nodeId: string): void {
    if (f.t === 'res') {
      const p = this.#pending.get(f.id);
      if (!p) return; // timed out already
      this.#pending.delete(f.id);
      clearTimeout(p.timer);
      // The media node's own answer (media_forbidden, …) reaches the client as it is.
      if (f.error) p.reject(new RingdeskError(f.error.code, f.error.message));
      else p.resolve(f.result ?? {});
      return;
    }
    if (f.t === 'push') {
      try {
        const parsed = parseServerFrame(f.push);
        if (parsed.kind === 'push') this.#o.onPush(f.userId, f.deviceId, parsed.push);
      } catch (e) {
        log.warn('media node %s sent a push that is not in the protocol: %s', nodeId, errorMessage(e));
      }
    }
  }

  #failAll(e: RelayError): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.#pending.clear();
  }

  close(): void {
    this.#ws.close(RELAY_CLOSE.shuttingDown, 'node shutting down');
  }
}
