// Media that survives: the server restarted mid-call (graceful SIGTERM and a SIGKILL crash, the real
// server process with its real mediasoup worker), and the media path dropped under a live call.
// Every wait is for a condition, with a generous deadline: the machine is shared and slow.
import { afterEach, describe, expect, it } from 'vitest';
import { asUserId, type CallId } from '../../src/shared/protocol/index.ts';
import { until } from '../integration/harness.ts';
import { assertMediasoupWorker, signIn, screenshot, videoCallAccepted, type Desktop } from './harness.ts';
import { byConsumer, RECOVER_MS, suiteMedia } from './mediaFlow.ts';
import { startServerProcess, type ServerProcess } from './serverProcess.ts';
import { e2eSuite } from './suite.ts';

const suite = e2eSuite({ check: assertMediasoupWorker });
// A failed wait shows what each desktop sends; the rooms it lists are the in-process server's (not a server process's).
const media = suiteMedia(suite);

async function videoCall(url: string): Promise<{ alice: Desktop; bob: Desktop; id: CallId }> {
  const alice = await media.desktop('alice-pc', null);
  const bob = await media.desktop('bob-pc', null);
  await signIn(alice, url, 'alice');
  await signIn(bob, url, 'bob');
  const id = await videoCallAccepted(alice, bob);
  await media.keepsFlowing(alice.page, 'bob', 'video', RECOVER_MS);
  await media.keepsFlowing(bob.page, 'alice', 'video', RECOVER_MS);
  return { alice, bob, id };
}

describe('media survives a server restart', () => {
  let proc: ServerProcess | null = null;
  afterEach(async () => {
    await suite.closeDesktops();
    await proc?.close();
    proc = null;
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal}: both sides show "Reconnecting media…", rejoin by themselves, and decode frames again on new consumers`, async () => {
      proc = await startServerProcess(['alice', 'bob']);
      const { alice, bob, id } = await videoCall(proc.url);
      const before = { alice: new Set((await byConsumer(alice.page, 'bob')).keys()), bob: new Set((await byConsumer(bob.page, 'alice')).keys()) };
      expect(before.alice.size).toBeGreaterThan(0);

      await proc.stop(signal);
      // While the server is down both say so, and stay in the call.
      for (const d of [alice, bob]) {
        await d.page.locator('[data-testid="media-state"][data-state="reconnecting"]').waitFor({ timeout: RECOVER_MS });
        await expect(d.page.getByTestId('media-state').textContent()).resolves.toContain('Reconnecting media…');
        await expect(d.page.getByTestId('screen-in-call').getAttribute('data-call-id')).resolves.toBe(id);
      }
      await screenshot(bob.page, `media-reconnecting-${signal.toLowerCase()}`);

      await proc.start();
      await media.decodesOnNewConsumer(alice.page, 'bob', before.alice);
      await media.decodesOnNewConsumer(bob.page, 'alice', before.bob);
      for (const d of [alice, bob]) await d.page.getByTestId('media-state').waitFor({ state: 'detached', timeout: RECOVER_MS });
      await expect(bob.page.getByTestId('screen-in-call').getAttribute('data-call-id')).resolves.toBe(id);
    });
  }

  it('the call ended while the server was down: the app leaves the call cleanly instead of waiting for media', async () => {
    proc = await startServerProcess(['alice', 'bob']);
    const { alice, bob } = await videoCall(proc.url);
    await proc.stop('SIGTERM');
    await bob.page.locator('[data-testid="media-state"][data-state="reconnecting"]').waitFor({ timeout: RECOVER_MS });
    // Alice closes her app while the server is away; the server's call timers end the call once it is back.
    await alice.close();
    await proc.start();
    await bob.page.getByTestId('screen-call-ended').waitFor({ timeout: 90_000 });
    await expect(bob.page.getByTestId('screen-in-call').count()).resolves.toBe(0);
    await screenshot(bob.page, 'media-call-gone-after-restart');
  }, 150_000);
});

describe('the media path drops under a live call', () => {
  it('ICE restarts, and frames decode again on the same consumers', async () => {
    const alice = await media.desktop('alice-pc', 'alice');
    const bob = await media.desktop('bob-pc', 'bob');
    const id = await videoCallAccepted(alice, bob); // the server's id, as shown
    await media.keepsFlowing(bob.page, 'alice', 'video', RECOVER_MS);
    const peer = suite.t.server.services.sfu.rooms.get(id)?.peers.get(asUserId('bob'));
    const recv = [...(peer?.transports.values() ?? [])].find((t) => t.direction === 'recv')?.transport;
    if (!peer || !recv) throw new Error('bob has no recv transport on the server');
    const consumersBefore = new Set((await byConsumer(bob.page, 'alice')).keys());

    // Count the ICE restarts Bob asks for from now on.
    let restarts = 0;
    const restartIce = recv.restartIce.bind(recv);
    recv.restartIce = () => {
      restarts++;
      return restartIce();
    };
    // Cut Bob's path: change the server's ICE credentials twice (mediasoup keeps only the previous
    // pair), so Bob's connectivity checks no longer match anything and the WebRtcServer drops them:
    // his side of the path is dead, as after a network change, until he restarts ICE.
    await restartIce();
    await restartIce();

    await until(() => restarts > 0, RECOVER_MS, 'bob restarts ICE');
    await until(() => recv.iceState === 'connected' || recv.iceState === 'completed', RECOVER_MS, 'ICE connected again');
    await media.keepsFlowing(bob.page, 'alice', 'video', RECOVER_MS);
    // Recovered by ICE restart on the same transport and consumers, not by a rejoin.
    expect(suite.t.server.services.sfu.rooms.get(id)?.peers.get(asUserId('bob'))).toBe(peer);
    expect(recv.closed).toBe(false);
    const after = await byConsumer(bob.page, 'alice');
    expect([...after.keys()].some((k) => consumersBefore.has(k))).toBe(true);
  }, 120_000);
});
