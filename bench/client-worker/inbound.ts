// What a client worker's sockets receive: replies matched to their requests, presence pushes counted,
// and the call pushes a real client answers (ack, then decline), timed against the invitations in flight.
import { performance } from 'node:perf_hooks';
import { bump, inFlight, request, stats, type Client, type Frame } from './state.ts';

/** Pushes of this type start with these bytes (JSON.stringify of `{ type, data }`): counted, never parsed. */
const PRESENCE_PREFIX = Buffer.from('{"type":"presenceChanged"');
export const EXT_PREFIX = 'bench:';

const nowAbs = (): number => performance.timeOrigin + performance.now();

export function onMessage(c: Client, buf: Buffer): void {
  stats.framesIn++;
  stats.bytesIn += buf.length;
  if (buf.length >= PRESENCE_PREFIX.length && buf.compare(PRESENCE_PREFIX, 0, PRESENCE_PREFIX.length, 0, PRESENCE_PREFIX.length) === 0) {
    stats.presenceFrames++;
    stats.presenceBytes += buf.length;
    stats.lastPresenceAt = nowAbs();
    return;
  }
  const t = performance.now();
  const f = JSON.parse(buf.toString('utf8')) as Frame; // the server only sends JSON objects
  if (typeof f.id === 'number' || f.id === null) {
    const cb = typeof f.id === 'number' ? c.pending.get(f.id) : undefined;
    if (cb && typeof f.id === 'number') {
      c.pending.delete(f.id);
      cb(f);
    }
    return;
  }
  onPush(c, f.type ?? '', f.data, t);
}

function seqOf(extendedData: unknown): number {
  return typeof extendedData === 'string' && extendedData.startsWith(EXT_PREFIX) ? Number(extendedData.slice(EXT_PREFIX.length)) : 0;
}

function onPush(c: Client, type: string, data: unknown, t: number): void {
  switch (type) {
    case 'callInvitationReceived': {
      const call = (data as { call: { callID: string; extendedData: string } }).call;
      const f = inFlight.get(seqOf(call.extendedData));
      if (f && !f.gotPush && f.pair.invitee === c) {
        f.gotPush = true;
        f.run.result.received++;
        f.run.result.inviteToPushMs.push(t - f.t0);
        f.run.result.inviteToPushFromSendMs.push(t - f.sentAt);
      }
      // What a real client does: ack (the caller then sees Received), then the user declines.
      request(c, 'callAck', { callID: call.callID }, (r) => {
        if (r.error) {
          if (f) bump(f.run.result.errors, `callAck:${r.error.code}`);
          return;
        }
        request(c, 'callReject', { callID: call.callID }, (r2) => {
          if (r2.error && f) bump(f.run.result.errors, `callReject:${r2.error.code}`);
        });
      });
      return;
    }
    case 'callUserStateChanged': {
      const p = c.pair;
      if (!p || !c.caller || !p.busy) return;
      const f = inFlight.get(p.seq);
      const users = (data as { users: { userId: string; state: string }[] }).users;
      if (f && !f.gotCallerReceived && users.some((u) => u.userId === p.invitee.userId && u.state === 'received')) {
        f.gotCallerReceived = true;
        f.run.result.inviteToCallerReceivedMs.push(t - f.t0);
      }
      return;
    }
    case 'callInvitationEnded': {
      const p = c.pair;
      if (!p || !c.caller || !p.busy) return;
      const f = inFlight.get(p.seq);
      // The invite result always arrives before the end (the server answers before it reads the invitee's reply),
      // so an end with another callID belongs to an earlier call given up as stuck.
      if (!f || f.callID !== (data as { callID: string }).callID) return;
      f.run.result.ended++;
      inFlight.delete(p.seq);
      p.busy = false;
      return;
    }
    default:
      return; // callInvitationCreated, callRecord, callDeliveryChanged, …: nothing to do
  }
}
