import type { IncomingMessage, Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { AdmissionControl } from './AdmissionControl.ts';
import { busyReason } from './AdmissionControl.ts';
import type { TransportStats } from '../metrics/TransportStats.ts';
import { CLOSE } from './ClientConnection.ts';
import { isWebSocketUpgrade, refuseUpgrade } from './refuseUpgrade.ts';

export interface UpgradeOptions {
  http: Server | TlsServer;
  /** Made with noServer: every upgrade comes through here first. */
  wss: WebSocketServer;
  admission: AdmissionControl;
  /** Where refusals are counted (/metrics). */
  stats: TransportStats;
  /** The close reason for a newcomer while the node drains or stops; null while it takes people. */
  draining: () => string | null;
  /** A WebSocket is open; call `signedIn` once it signs in (its close is counted here). */
  accept: (ws: WebSocket, req: IncomingMessage, signedIn: () => void) => void;
}

/**
 * Every WebSocket upgrade: refused at once and cheaply (refuseUpgrade.ts), before any WebSocket is
 * made, while the node drains (4307) or admission control says it is overloaded (4503); otherwise
 * counted as a pending sign-in and handed to ws. (Queueing the admitted handshakes in the request
 * lane too was tried: in a 19,500-user storm it did not lower signed-in users' p99 and made the
 * storm slower, docs/benchmarks.md.)
 */
export function handleUpgrades(o: UpgradeOptions): void {
  o.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Not ours (another path) or not a well-formed WebSocket upgrade: ws answers it with the right HTTP error.
    if (!o.wss.shouldHandle(req) || !isWebSocketUpgrade(req)) {
      o.wss.handleUpgrade(req, socket, head, (ws) => ws.terminate());
      return;
    }
    const drainingReason = o.draining();
    if (drainingReason !== null) {
      o.stats.refused('draining');
      return refuseUpgrade(req, socket, CLOSE.draining, drainingReason);
    }
    const a = o.admission.admit();
    if (!a.admit) {
      o.stats.refused(a.why);
      return refuseUpgrade(req, socket, CLOSE.serverBusy, busyReason(a.retryAfterMs));
    }
    const signInDone = o.admission.signInPending();
    // Counted done when the socket goes, however far it got (signInDone counts once): a handshake
    // ws rejects, or a connection that closes later.
    socket.once('close', () => signInDone(false));
    o.wss.handleUpgrade(req, socket, head, (ws) => o.accept(ws, req, () => signInDone(true)));
  });
}
