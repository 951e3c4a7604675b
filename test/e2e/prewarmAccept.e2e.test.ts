// A pre-warmed callee's camera and mic are paused while the call rings and resumed on Accept. The
// caller consumes them at that same moment; a resume that arrived while the caller's consumer was
// still being created used to be lost, so the caller saw the callee "camera off, muted" for good.
import type { types } from 'mediasoup';
import { describe, expect, it } from 'vitest';
import { until, workerBin } from '../integration/harness.ts';
import { callsWithVideo } from './harness.ts';
import { e2eSuite } from './suite.ts';

const suite = e2eSuite();

describe.skipIf(!workerBin())('accepting a pre-warmed video call', () => {
  it('the caller sees the callee\'s camera on and mic unmuted, even after the callee\'s window re-rendered while ringing', async () => {
    const alice = await suite.desktop('alice-pc', 'alice');
    const bob = await suite.desktop('bob-pc', 'bob');
    await callsWithVideo(alice, bob);
    // Re-render bob's whole window while it rings (what failed every time before the fix).
    for (const language of ['zh-CN', 'en'] as const) {
      bob.host.core.updateSettings({ language });
      await bob.page.getByTestId('screen-incoming').waitFor();
    }
    await bob.page.getByTestId('accept-video').click();
    await alice.page.getByTestId('screen-in-call').waitFor();
    const tile = alice.page.locator('[data-testid="tile-bob"]').first();
    let seen = '';
    await until(
      async () => {
        seen = `${await tile.getAttribute('data-camera').catch(() => null)} ${await tile.getAttribute('data-mic').catch(() => null)}`;
        return seen.startsWith('on ') && !seen.endsWith(' muted');
      },
      undefined,
      'alice sees bob with camera on and mic unmuted',
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}; last seen: ${seen}`);
    });
  });

  it('a pre-warmed video call answered with audio never sends the callee\'s camera', async () => {
    // Every resume of one of bob's video producers on the server, from before the call.
    const resumed: string[] = [];
    suite.t.server.services.sfu.pool?.workers[0]?.worker.observer.on('newrouter', (router: types.Router) => {
      router.observer.on('newtransport', (tr) => {
        if (tr.appData['userId'] !== 'bob') return; // Room.createTransport puts the owner's id there
        tr.observer.on('newproducer', (p: types.Producer) => {
          if (p.kind === 'video') p.observer.on('resume', () => resumed.push(p.id));
        });
      });
    });
    const alice = await suite.desktop('alice-pc', 'alice');
    const bob = await suite.desktop('bob-pc', 'bob');
    await callsWithVideo(alice, bob);
    await bob.page.locator('[data-testid="prewarm"][data-ready="true"]').waitFor({ state: 'attached' }); // its camera is produced, held
    await bob.page.getByTestId('accept-audio').click();
    await alice.page.getByTestId('screen-in-call').waitFor();
    const tile = alice.page.locator('[data-testid="tile-bob"]').first();
    await until(async () => (await tile.getAttribute('data-mic').catch(() => null)) === 'on', undefined, 'alice hears bob');
    // Bob's app stops sending the camera it pre-warmed; nothing resumed it before (the answer ran first, on the server).
    await expect(tile.getAttribute('data-camera')).resolves.toBe('off');
    expect(resumed).toEqual([]);
  });
});
