// Without a worker the server still serves calls, says what to do once, and answers every sfu*
// request with sfu_unavailable instead of crashing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, startTestServer, type TestServer } from './harness.ts';
import { acceptedCall, codeOf } from './sfuKit.ts';

let t: TestServer | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
  vi.unstubAllEnvs();
});

describe('no media worker', () => {
  it('a worker binary that does not run: the log says what to do, calls still work, sfu* is sfu_unavailable', async () => {
    vi.stubEnv('MEDIASOUP_WORKER_BIN', '/nonexistent/mediasoup-worker');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      t = await startTestServer(['alice', 'bob']);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('')).toMatch(/MEDIASOUP_WORKER_BIN.*build\.sh|build\.sh.*MEDIASOUP_WORKER_BIN/s);
    expect(t.server.services.sfu.available).toBe(false);
    const { alice, callID } = await acceptedCall(t, 'normal');
    expect(await codeOf(alice, 'sfuCapabilities', { callID })).toBe('sfu_unavailable');
    expect(await codeOf(alice, 'sfuJoin', { callID, rtpCapabilities: {} })).toBe('sfu_unavailable');
    await expect(alice.calls.callEnd(callID)).resolves.toMatchObject({ callState: 'ended' });
    const health = (await (await fetch(t.url.replace('ws://', 'http://').replace('/ws', '/healthz'))).json()) as unknown;
    expect(health).toMatchObject({ ok: true, media: { available: false } });
  });

  it('sfu.enabled false: no worker is started at all', async () => {
    t = await startTestServer(['alice'], { sfu: { enabled: false } });
    expect(t.server.services.sfu.pool).toBeNull();
    const alice = await connect(t.url, 'alice');
    const { call } = await alice.calls.callInvite([], { mode: 'advanced' });
    expect(await codeOf(alice, 'sfuCapabilities', { callID: call.callID })).toBe('sfu_unavailable');
  });
});
