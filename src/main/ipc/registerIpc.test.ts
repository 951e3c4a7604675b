import { beforeAll, describe, expect, it } from 'vitest';
import { RingdeskError } from '../../shared/errors.ts';
import { INVOKE_CHANNELS, type InvokeReply } from '../../shared/ipc/channels.ts';
import type { EventChannel } from '../../shared/ipc/contract.ts';
import { Logger } from '../log/Logger.ts';
import { registerIpc, type IpcHandlers } from './registerIpc.ts';
import type { InvokeHandler, IpcSender, IpcTransport } from './transport.ts';

const TRUSTED = 'app://ringdesk/';

/** Stands in for ipcMain / the WebSocket: hands invokes to whatever registerIpc served and records emits. */
class FakeTransport implements IpcTransport {
  handler: InvokeHandler | null = null;
  emitted: { channel: EventChannel; payload: unknown }[] = [];
  serve(handler: InvokeHandler): () => void {
    this.handler = handler;
    return () => {
      this.handler = null;
    };
  }
  emit(channel: EventChannel, payload: unknown): void {
    this.emitted.push({ channel, payload });
  }
  invoke(channel: string, args: unknown, url = TRUSTED): Promise<InvokeReply<unknown>> {
    if (!this.handler) throw new Error('nothing is served');
    return this.handler(channel, args, { url });
  }
}

type Call = { channel: string; args: unknown; sender: IpcSender };

function setup(overrides: Partial<Record<keyof IpcHandlers, (args: unknown) => unknown>> = {}) {
  const calls: Call[] = [];
  const entries = INVOKE_CHANNELS.map((channel) => [
    channel,
    (args: unknown, sender: IpcSender) => {
      calls.push({ channel, args, sender });
      const o = overrides[channel];
      return o ? o(args) : { handled: channel };
    },
  ]);
  // One recording stub per channel; registerIpc never checks results, so `{handled}` is enough.
  const handlers = Object.fromEntries(entries) as unknown as IpcHandlers;
  const transport = new FakeTransport();
  const bridge = registerIpc(transport, handlers, { isTrustedSender: (url) => url === TRUSTED });
  return { transport, bridge, calls };
}

function errorOf(reply: InvokeReply<unknown>): { code: string; message: string } {
  if (reply.ok) throw new Error(`expected an error reply, got ${JSON.stringify(reply)}`);
  return reply.error;
}

beforeAll(() => Logger.configure({ stderr: false }));

describe('registerIpc: sender check and channels', () => {
  it('refuses an untrusted sender with forbidden and never runs the handler', async () => {
    const { transport, calls } = setup();
    const reply = await transport.invoke('getSettings', {}, 'https://evil.example/');
    expect(errorOf(reply).code).toBe('forbidden');
    expect(calls).toEqual([]);
  });

  it('checks the sender before the channel: an untrusted unknown channel is forbidden too', async () => {
    const { transport } = setup();
    expect(errorOf(await transport.invoke('nope', {}, 'file:///tmp/x.html')).code).toBe('forbidden');
  });

  it.each(['nope', 'toString', '__proto__', 'constructor', ''])('answers unknown channel %j with unknown_type', async (channel) => {
    const { transport, calls } = setup();
    const err = errorOf(await transport.invoke(channel, {}));
    expect(err.code).toBe('unknown_type');
    expect(calls).toEqual([]);
  });

  it('passes parsed args and the sender to the handler and wraps the result', async () => {
    const { transport, calls } = setup();
    const reply = await transport.invoke('callReject', { callID: 'c1' });
    expect(reply).toEqual({ ok: true, value: { handled: 'callReject' } });
    expect(calls).toEqual([{ channel: 'callReject', args: { callID: 'c1' }, sender: { url: TRUSTED } }]);
  });

  it('treats missing args as {} for argument-less channels', async () => {
    const { transport, calls } = setup();
    expect((await transport.invoke('getSettings', undefined)).ok).toBe(true);
    expect((await transport.invoke('logout', null)).ok).toBe(true);
    expect(calls.map((c) => c.args)).toEqual([{}, {}]);
  });
});

describe('registerIpc: argument parsing', () => {
  const nine = Array.from({ length: 9 }, (_, i) => `u${i}`);
  const bad: [string, string, unknown, RegExp][] = [
    ['login with an http server URL', 'login', { serverUrl: 'http://x', userId: 'bob', password: 'pw' }, /serverUrl/],
    ['login with an upper-case user id', 'login', { serverUrl: 'ws://x', userId: 'Bob', password: 'pw' }, /userId/],
    ['login with an empty password', 'login', { serverUrl: 'ws://x', userId: 'bob', password: '' }, /password/],
    ['login with an extra key', 'login', { serverUrl: 'ws://x', userId: 'bob', password: 'pw', admin: true }, /admin/],
    ['callInvite with 10 invitees', 'callInvite', { invitees: [...nine, 'u9'] }, /invitees: .*<=9/],
    ['callInvite normal with no invitees', 'callInvite', { invitees: [] }, /invitees: a normal call needs at least one invitee/],
    ['callInvite with a number as invitee', 'callInvite', { invitees: [42] }, /invitees\.0/],
    ['callInvite with a fractional timeout', 'callInvite', { invitees: ['bob'], timeout: 1.5 }, /timeout/],
    ['callInvite with timeout above 600', 'callInvite', { invitees: ['bob'], timeout: 601 }, /timeout/],
    ['callInvite with media "screen"', 'callInvite', { invitees: ['bob'], media: 'screen' }, /media/],
    ['callReject without callID', 'callReject', {}, /callID/],
    ['callReject with a path in callID', 'callReject', { callID: '../x' }, /callID/],
    ['updateSettings with ringtoneVolume 2', 'updateSettings', { ringtoneVolume: 2 }, /ringtoneVolume: .*<=1/],
    ['updateSettings with an unknown key', 'updateSettings', { theme: 'dark' }, /Unrecognized key: "theme"/],
    ['updateSettings touching missedSeenAt (main-only)', 'updateSettings', { missedSeenAt: 5 }, /missedSeenAt/],
    ['updateSettings with a bad shortcut', 'updateSettings', { shortcuts: { answer: 'A' } }, /shortcuts\.answer/],
    ['openExternal with a file URL', 'openExternal', { url: 'file:///etc/passwd' }, /url: only http\(s\) links/],
    ['openExternal with javascript:', 'openExternal', { url: 'javascript:alert(1)' }, /url/],
    ['getSettings with any key', 'getSettings', { x: 1 }, /"x"/],
    ['setDnd with a non-boolean', 'setDnd', { enabled: 'yes', allowList: [] }, /enabled/],
    ['args that are not an object', 'callJoin', 'c1', /expected object/i],
  ];

  it.each(bad)('%s → bad_request naming the field', async (_name, channel, args, names) => {
    const { transport, calls } = setup();
    const err = errorOf(await transport.invoke(channel, args));
    expect(err.code).toBe('bad_request');
    expect(err.message.startsWith(`${channel}: `)).toBe(true);
    expect(err.message).toMatch(names);
    expect(calls).toEqual([]);
  });

  it('accepts the edges of the same schemas', async () => {
    const { transport, calls } = setup();
    expect((await transport.invoke('callInvite', { invitees: nine })).ok).toBe(true);
    expect((await transport.invoke('callInvite', { invitees: [], mode: 'advanced' })).ok).toBe(true); // an empty room
    expect((await transport.invoke('updateSettings', { ringtoneVolume: 1 })).ok).toBe(true);
    expect((await transport.invoke('openExternal', { url: 'https://ringdesk.example/help' })).ok).toBe(true);
    expect((await transport.invoke('login', { serverUrl: 'wss://x', userId: 'bob', password: 'pw' })).ok).toBe(true);
    expect(calls).toHaveLength(5);
  });

  it('applies defaults: callInvite without media/mode/timeout sees audio, normal, 60', async () => {
    const { transport, calls } = setup();
    await transport.invoke('callInvite', { invitees: ['bob'] });
    expect(calls[0]?.args).toEqual({ invitees: ['bob'], media: 'audio', mode: 'normal', timeout: 60 });
  });

  it('keeps given values over defaults', async () => {
    const { transport, calls } = setup();
    await transport.invoke('callInvite', { invitees: ['bob'], media: 'video', mode: 'advanced', timeout: 30 });
    await transport.invoke('callAccept', { callID: 'c1' });
    expect(calls[0]?.args).toEqual({ invitees: ['bob'], media: 'video', mode: 'advanced', timeout: 30 });
    expect(calls[1]?.args).toEqual({ callID: 'c1', media: 'audio' });
  });

  it('trims setDeviceName before the handler sees it', async () => {
    const { transport, calls } = setup();
    await transport.invoke('setDeviceName', { deviceName: '  Desk  ' });
    expect(calls[0]?.args).toEqual({ deviceName: 'Desk' });
    expect(errorOf(await transport.invoke('setDeviceName', { deviceName: '   ' })).code).toBe('bad_request');
  });
});

describe('registerIpc: handler failures', () => {
  it('keeps the code and message of a RingdeskError', async () => {
    const { transport } = setup({
      callEnd: () => {
        throw new RingdeskError('call_not_found', 'no such call c1');
      },
    });
    expect(await transport.invoke('callEnd', { callID: 'c1' })).toEqual({ ok: false, error: { code: 'call_not_found', message: 'no such call c1' } });
  });

  it('keeps the code of a RingdeskError from a rejected promise', async () => {
    const { transport } = setup({ logout: () => Promise.reject(new RingdeskError('not_signed_in', 'sign in first')) });
    expect(errorOf(await transport.invoke('logout', {}))).toEqual({ code: 'not_signed_in', message: 'sign in first' });
  });

  it('turns a plain Error into internal with a generic message and no stack', async () => {
    const { transport } = setup({
      exportDiagnostics: () => {
        throw new Error('EACCES: /home/bob/secret/path token=abc');
      },
    });
    const reply = await transport.invoke('exportDiagnostics', {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
    expect(JSON.stringify(reply)).not.toMatch(/EACCES|secret|token|at /);
  });

  it('turns a thrown non-Error value into internal too', async () => {
    const { transport } = setup({ getPeople: () => Promise.reject('boom') });
    expect(errorOf(await transport.invoke('getPeople', {}))).toEqual({ code: 'internal', message: 'internal error' });
  });
});

describe('registerIpc: bridge', () => {
  it('emit passes channel and payload through to the transport', () => {
    const { transport, bridge } = setup();
    const payload = { action: 'toggleMute' as const };
    bridge.emit('shortcut', payload);
    expect(transport.emitted).toEqual([{ channel: 'shortcut', payload }]);
  });

  it('close() unregisters the handler from the transport', () => {
    const { transport, bridge } = setup();
    expect(transport.handler).not.toBeNull();
    bridge.close();
    expect(transport.handler).toBeNull();
  });
});
