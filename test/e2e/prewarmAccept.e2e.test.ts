// A pre-warmed callee's camera and mic are paused while the call rings and resumed on Accept. The
// caller consumes them at that same moment; a resume that arrived while the caller's consumer was
// still being created used to be lost, so the caller saw the callee "camera off, muted" for good.
import { describe, it } from 'vitest';
import { until, workerBin } from '../integration/harness.ts';
import { e2eSuite } from './suite.ts';

const suite = e2eSuite();

describe.skipIf(!workerBin())('accepting a pre-warmed video call', () => {
  it('the caller sees the callee\'s camera on and mic unmuted, even after the callee\'s window re-rendered while ringing', async () => {
    const alice = await suite.desktop('alice-pc', 'alice');
    const bob = await suite.desktop('bob-pc', 'bob');
    await alice.page.getByTestId('contact-search').fill('bob');
    await alice.page.getByTestId('call-video-bob').click();
    await bob.page.getByTestId('screen-incoming').waitFor();
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
});
