import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Call } from '../../src/shared/call/index.ts';
import { asCallId, asUserId } from '../../src/shared/protocol/index.ts';
import { SfuConfigSchema } from './SfuConfig.ts';
import type { MediaCalls } from './ports.ts';
import { SfuService } from './SfuService.ts';

const callID = asCallId('c1');
const call = (callState: Call['callState']): Call => ({ callID, callState, inviter: asUserId('a'), members: [] }) as unknown as Call; // only the fields the sync reads

describe('SfuService follows its calls', () => {
  it('an ended call is not read again to sync its room; a started one is', async () => {
    const events = new EventEmitter();
    const startedCall = vi.fn((): Call | undefined => undefined);
    const calls: MediaCalls = { startedCall, get: () => Promise.resolve(undefined), on: (e, l) => events.on(e, l) };
    const sfu = new SfuService({ config: SfuConfigSchema.parse({ enabled: false }), calls, sessions: { device: () => undefined, push: () => undefined }, graceMs: 1000 });
    events.emit('changed', call('started'));
    await vi.waitFor(() => expect(startedCall).toHaveBeenCalledTimes(1));
    // In a cluster that read goes to Postgres: an ended call (final; nothing after it) needs none.
    events.emit('changed', call('ended'));
    events.emit('changed', call('started'));
    await vi.waitFor(() => expect(startedCall).toHaveBeenCalledTimes(2));
    expect(sfu.rooms.size).toBe(0);
    await sfu.close();
  });
});
