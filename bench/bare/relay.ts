// The bare relay: the floor under bench:signaling's invitation latency, measured in the same run with the
// same client workers. One Node process, the same `ws` server options as server/app.ts, and just enough of
// the protocol for the bench's clients: `resume` (the token checked with the same TokenSigner), heartbeats,
// empty answers to the sign-in steps, and for each call the frames the real server sends a 1:1 call's two
// devices (bench/bare/frames.ts), each written as soon as it is made. No store, no validation, no call state
// machine, no presence, no coalescing, no admission control: what the real server's latency adds to this
// floor is the cost of what it does. Started by bench/bare/baseline.ts as
// `node bench/bare/relay.ts` with RINGDESK_TOKEN_SECRET set and an IPC channel; prints the line the
// bench's Child.readyUrl waits for.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { TokenSigner } from '../../server/auth/tokens.ts';
import { installServerHook } from '../serverHook.ts';
import { ackFrames, inviteFrames, rejectFrames, type Addressed, type BareCall } from './frames.ts';

const HEARTBEAT_INTERVAL_MS = 10_000;

interface Conn {
  ws: WebSocket;
  userId: string | null;
}

const secret = process.env['RINGDESK_TOKEN_SECRET'];
if (!secret) throw new Error('bare relay: RINGDESK_TOKEN_SECRET is not set');
const signer = new TokenSigner(Buffer.from(secret, 'hex'));
const online = new Map<string, Conn>();
const calls = new Map<string, BareCall>();

const send = (to: Conn | undefined, frame: unknown): void => {
  if (to?.ws.readyState === to?.ws.OPEN) to?.ws.send(JSON.stringify(frame));
};
/** Frames for the caller and the invitee of a call, in the order the real server writes them. */
const deliver = (call: BareCall, frames: Addressed[]): void => {
  for (const f of frames) send(online.get(f.to === 'caller' ? call.caller : call.invitee), f.frame);
};

function onRequest(c: Conn, id: number, type: string, data: Record<string, unknown>): void {
  const answer = (result: unknown): void => send(c, { id, result });
  if (type === 'resume') {
    const claims = signer.verify(String(data['token']), Date.now());
    if (!claims) return send(c, { id, error: { code: 'auth_failed', message: 'bad token' } });
    c.userId = claims.userId;
    online.set(claims.userId, c);
    return answer({ userId: claims.userId, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });
  }
  if (c.userId === null) return send(c, { id, error: { code: 'not_authenticated', message: 'resume first' } });
  switch (type) {
    case 'callInvite': {
      const invitee = String((data['invitees'] as unknown[])[0]);
      const call: BareCall = { callID: randomUUID(), caller: c.userId, invitee, extendedData: String(data['extendedData'] ?? ''), timeout: Number(data['timeout']), createdAt: Date.now() };
      calls.set(call.callID, call);
      const { before, result } = inviteFrames(call);
      deliver(call, before);
      return answer(result);
    }
    case 'callAck':
    case 'callReject': {
      const call = calls.get(String(data['callID']));
      if (!call) return send(c, { id, error: { code: 'call_not_found', message: 'no such call' } });
      if (type === 'callReject') calls.delete(call.callID);
      const { before, result } = type === 'callAck' ? ackFrames(call) : rejectFrames(call);
      deliver(call, before);
      return answer(result);
    }
    default:
      return answer({}); // heartbeat and the sign-in steps: an empty answer
  }
}

const http = createServer((_req, res) => res.end());
const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
wss.on('connection', (ws) => {
  const c: Conn = { ws, userId: null };
  ws.on('message', (raw: RawData) => {
    const f = JSON.parse(String(raw)) as { id: number; type: string; data: Record<string, unknown> }; // the bench's own clients
    onRequest(c, f.id, f.type, f.data);
  });
  ws.on('close', () => {
    if (c.userId !== null && online.get(c.userId) === c) online.delete(c.userId);
  });
});

installServerHook('bare-window');
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  wss.close();
  http.close();
  process.exit(0);
});
http.listen(0, '127.0.0.1', () => {
  console.log(`Ringdesk server ready at ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws (bare relay)`);
});
