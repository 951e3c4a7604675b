import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Call } from '../../src/shared/call/index.ts';
import { asCallId, asUserId } from '../../src/shared/protocol/index.ts';
import { SfuConfigSchema } from './SfuConfig.ts';
import type { MediaCalls } from './ports.ts';
import { SfuService } from './SfuService.ts';

const callID = asCallId('c1');
const call = (callState: Call['callState'], accepted = false): Call =>
  ({ callID, callState, mode: 'normal', inviter: asUserId('a'), members: [{ userId: asUserId('b'), everAccepted: accepted }] }) as unknown as Call; // only the fields the sync reads

describe('SfuService follows its calls', () => {
  it('reads a call to sync its room only when the room has something to do: not while it rings, not once it ended', async () => {
    const events = new EventEmitter();
    const startedCall = vi.fn((): Call | undefined => undefined);
    const calls: MediaCalls = { startedCall, get: () => Promise.resolve(undefined), on: (e, l) => events.on(e, l) };
    const sfu = new SfuService({ config: SfuConfigSchema.parse({ enabled: false }), calls, sessions: { device: () => undefined, push: () => undefined }, graceMs: 1000 });
    // Ringing, no room here, nothing queued: no room is due, so no read and no queue entry (four such
    // changes per declined call; in a cluster each read went to Postgres).
    events.emit('changed', call('started'));
    events.emit('changed', call('ended'));
    // Accepted: the room is due, and the sync reads the call as it is now.
    events.emit('changed', call('started', true));
    await vi.waitFor(() => expect(startedCall).toHaveBeenCalledTimes(1));
    // An ended call (final; nothing after it) needs no read.
    events.emit('changed', call('ended', true));
    events.emit('changed', call('started', true));
    await vi.waitFor(() => expect(startedCall).toHaveBeenCalledTimes(2));
    expect(sfu.rooms.size).toBe(0);
    await sfu.close();
  });
});
