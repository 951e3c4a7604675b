// `npm run bench:media`: accept → first decoded remote video frame, on the caller's and the callee's
// page, with and without pre-warm. Real server and mediasoup worker on loopback, two headless hosts,
// the built renderer in Chromium with its fake camera. Prints the figures and writes JSON.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { asCallId } from '../src/shared/protocol/index.ts';
import { startTestServer, until, workerBin } from '../test/integration/harness.ts';
import { assertPrerequisites, launchBrowser, openDesktop, signIn, type Desktop } from '../test/e2e/harness.ts';
import { now, pct, round, writeResult } from './results.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, ring: { type: 'string', default: '1500' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);
/** How long the call rings before Bob answers: a person takes at least this long, and pre-warm works meanwhile. */
const RING_MS = Number(values.ring);

/** Records in the page when `remote-video-<from>` first has a decoded frame (videoWidth > 0), on Node's clock. */
async function armFirstFrame(page: Page, from: string): Promise<void> {
  // A string, so this Node-typed file needs no DOM typings for code that only runs in the page.
  await page.evaluate(`(() => {
    window.__firstFrameAt = undefined;
    const id = setInterval(() => {
      const v = document.querySelector('[data-testid="remote-video-${from}"]');
      if (v && v.videoWidth > 0) {
        window.__firstFrameAt = performance.timeOrigin + performance.now();
        clearInterval(id);
      }
    }, 2);
  })()`);
}

async function firstFrameAt(page: Page): Promise<number> {
  const end = Date.now() + 20_000;
  for (;;) {
    const at = Number(await page.evaluate('window.__firstFrameAt ?? NaN'));
    if (Number.isFinite(at)) return at;
    if (Date.now() > end) throw new Error('no remote video frame within 20 s');
    await page.waitForTimeout(20);
  }
}

type Mode = 'withoutPrewarm' | 'withPrewarm' | 'withPrewarmAndPreview';

async function oneCall(alice: Desktop, bob: Desktop, mode: Mode): Promise<{ caller: number; callee: number }> {
  await alice.page.getByTestId('call-video-bob').click();
  await alice.page.getByTestId('screen-outgoing').waitFor();
  await bob.page.getByTestId('screen-incoming').waitFor();
  const id = asCallId((await bob.page.getByTestId('screen-incoming').getAttribute('data-call-id')) ?? '');
  if (mode !== 'withoutPrewarm') await bob.page.locator('[data-testid="prewarm"][data-ready="true"]').waitFor({ timeout: 10_000 });
  // The incoming screen's camera preview: its track becomes the call's camera on answering.
  if (mode === 'withPrewarmAndPreview') await bob.page.getByTestId('preview-camera').click();
  await new Promise((r) => setTimeout(r, RING_MS));
  await armFirstFrame(alice.page, 'bob');
  await armFirstFrame(bob.page, 'alice');
  const t0 = now();
  await bob.page.getByTestId('accept-video').click();
  const [a, b] = [await firstFrameAt(alice.page), await firstFrameAt(bob.page)];
  await alice.host.core.calls().callEnd(id);
  await until(() => bob.host.core.calls().view(id)?.call.callState === 'ended', 5000, 'ended');
  for (const d of [alice, bob]) d.host.core.calls().dismiss(id);
  await bob.page.getByTestId('screen-home').waitFor();
  await alice.page.getByTestId('screen-home').waitFor();
  return { caller: a - t0, callee: b - t0 };
}

async function main(): Promise<void> {
  assertPrerequisites();
  if (!workerBin()) throw new Error('no mediasoup worker: run "bash scripts/setup-mediasoup.sh" or set MEDIASOUP_WORKER_BIN');
  const t = await startTestServer(['alice', 'bob']);
  const browser = await launchBrowser();
  const opened: Desktop[] = [];
  try {
    const alice = await openDesktop(browser, 'alice-pc');
    const bob = await openDesktop(browser, 'bob-pc');
    opened.push(alice, bob);
    await signIn(alice, t.url, 'alice');
    await signIn(bob, t.url, 'bob');
    const modes: Record<string, { caller: number[]; callee: number[] }> = {};
    for (const mode of ['withoutPrewarm', 'withPrewarm', 'withPrewarmAndPreview'] as const) {
      for (const d of [alice, bob]) d.host.core.updateSettings({ prewarmMedia: mode !== 'withoutPrewarm' });
      const m: { caller: number[]; callee: number[] } = { caller: [], callee: [] };
      modes[mode] = m;
      await oneCall(alice, bob, mode); // warm-up: the first call also loads the chunks and starts Chromium's codecs
      for (let i = 0; i < RUNS; i++) {
        const r = await oneCall(alice, bob, mode);
        m.caller.push(r.caller);
        m.callee.push(r.callee);
      }
    }
    const summary = (xs: number[]) => ({ runs: xs.length, p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), max: round(Math.max(...xs)) });
    const result = {
      benchmark: 'media',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', totalMemGiB: round(totalmem() / 2 ** 30), node: process.version },
      ringMs: RING_MS,
      acceptToFirstRemoteFrameMs: Object.fromEntries(
        Object.entries(modes).map(([k, v]) => [k, { caller: summary(v.caller), callee: summary(v.callee), target: k === 'withoutPrewarm' ? 400 : 200 }]),
      ),
    };
    const out = writeResult('media', result, { out: values.out });
    for (const [k, v] of Object.entries(result.acceptToFirstRemoteFrameMs)) {
      for (const side of ['caller', 'callee'] as const) {
        console.log(`accept → first frame, ${k.padEnd(21)} ${side.padEnd(6)}  p50 ${v[side].p50} ms   p95 ${v[side].p95} ms   max ${v[side].max} ms   (target p50 ≤ ${v.target}, ${v[side].runs} runs)`);
      }
    }
    console.log(`written to ${out}`);
  } finally {
    for (const d of opened) await d.close();
    await browser.close();
    await t.close();
  }
}

await main();
