// `npm run bench:media`: accept → first decoded remote video frame, on the caller's and the callee's
// page, with and without pre-warm. Real server and mediasoup worker on loopback, two headless hosts,
// the built renderer in Chromium with its fake camera. In the same run, interleaved with the calls,
// the bare mediasoup floor (bench/floor: two pages, one router, consume → first decoded frame, no app
// code); each side is printed as a ratio to it. Prints the machine's load, the figures, writes JSON.
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { asCallId } from '../src/shared/protocol/index.ts';
import { startTestServer, until, workerBin } from '../test/integration/harness.ts';
import { assertPrerequisites, launchBrowser, openDesktop, signIn, type Desktop } from '../test/e2e/harness.ts';
import { startFloor } from './floor/floor.ts';
import { now, pct, round, writeResult } from './results.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, ring: { type: 'string', default: '1500' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);
/** How long the call rings before Bob answers: a person takes at least this long, and pre-warm works meanwhile. */
const RING_MS = Number(values.ring);
/** With pre-warm, each side's p50 may be at most this times the bare floor's p50. */
const TARGET_RATIO = 1.2;
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

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

/**
 * When the user's press on Accept happened (the pointerdown's own timestamp, on Node's clock). The
 * measure starts there, as a user's wait does: Playwright's click() first finds the button and
 * waits for it to be stable and hit-testable (two animation frames and CDP round trips, 28–77 ms in
 * traces), which no user waits for. That harness time is reported separately.
 */
async function armInput(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__inputAt = undefined;
    document.addEventListener('pointerdown', (e) => { window.__inputAt = performance.timeOrigin + e.timeStamp; }, { capture: true, once: true });
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

async function oneCall(alice: Desktop, bob: Desktop, mode: Mode): Promise<{ caller: number; callee: number; harness: number }> {
  // Bob is found through the server's directory, as in the app (no full contact list since issue 11); before t0, not measured.
  await alice.page.getByTestId('contact-search').fill('bob');
  await alice.page.getByTestId('call-video-bob').click();
  await alice.page.getByTestId('screen-outgoing').waitFor();
  await bob.page.getByTestId('screen-incoming').waitFor();
  const id = asCallId((await bob.page.getByTestId('screen-incoming').getAttribute('data-call-id')) ?? '');
  if (mode !== 'withoutPrewarm') await bob.page.locator('[data-testid="prewarm"][data-ready="true"]').waitFor({ state: 'attached', timeout: 10_000 }); // a hidden marker
  // The incoming screen's camera preview: its track becomes the call's camera on answering.
  if (mode === 'withPrewarmAndPreview') await bob.page.getByTestId('preview-camera').click();
  await new Promise((r) => setTimeout(r, RING_MS));
  await armFirstFrame(alice.page, 'bob');
  await armFirstFrame(bob.page, 'alice');
  await armInput(bob.page);
  const t0 = now();
  await bob.page.getByTestId('accept-video').click();
  const [a, b] = [await firstFrameAt(alice.page), await firstFrameAt(bob.page)];
  const input = Number(await bob.page.evaluate('window.__inputAt ?? NaN'));
  if (!Number.isFinite(input)) throw new Error('the click on Accept reached the page without a pointerdown');
  await alice.host.core.calls().callEnd(id);
  await until(() => bob.host.core.calls().view(id)?.call.callState === 'ended', 5000, 'ended');
  for (const d of [alice, bob]) d.host.core.calls().dismiss(id);
  await bob.page.getByTestId('screen-home').waitFor();
  await alice.page.getByTestId('screen-home').waitFor();
  return { caller: a - input, callee: b - input, harness: input - t0 };
}

async function main(): Promise<void> {
  assertPrerequisites();
  if (!workerBin()) throw new Error('no mediasoup worker: run "bash scripts/setup-mediasoup.sh" or set MEDIASOUP_WORKER_BIN');
  const t = await startTestServer(['alice', 'bob']);
  const browser = await launchBrowser();
  const opened: Desktop[] = [];
  const loadBefore = loadavg();
  console.log(`load average (1/5/15 min) at start: ${load()} on ${cpus().length} cores`);
  const worker = t.server.services.sfu.pool?.workers[0];
  if (!worker) throw new Error('the test server has no mediasoup worker');
  const floor = await startFloor(browser, worker, t.server.services.config.sfu.initialAvailableOutgoingBitrate);
  const floorMs: number[] = [];
  try {
    await floor.sample(); // warm-up, as for the app
    const alice = await openDesktop(browser, 'alice-pc');
    const bob = await openDesktop(browser, 'bob-pc');
    opened.push(alice, bob);
    await signIn(alice, t.url, 'alice');
    await signIn(bob, t.url, 'bob');
    const modes: Record<string, { caller: number[]; callee: number[]; harness: number[] }> = {};
    for (const mode of ['withoutPrewarm', 'withPrewarm', 'withPrewarmAndPreview'] as const) {
      for (const d of [alice, bob]) d.host.core.updateSettings({ prewarmMedia: mode !== 'withoutPrewarm' });
      const m: { caller: number[]; callee: number[]; harness: number[] } = { caller: [], callee: [], harness: [] };
      modes[mode] = m;
      await oneCall(alice, bob, mode); // warm-up: the first call also loads the chunks and starts Chromium's codecs
      for (let i = 0; i < RUNS; i++) {
        const r = await oneCall(alice, bob, mode);
        m.caller.push(r.caller);
        m.callee.push(r.callee);
        m.harness.push(r.harness);
        floorMs.push(await floor.sample()); // interleaved, so the floor sees the same machine load
      }
    }
    const summary = (xs: number[]) => ({ runs: xs.length, p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), max: round(Math.max(...xs)) });
    const bare = summary(floorMs);
    const ratio = (x: number, to: number): number => Math.round((x / to) * 100) / 100;
    const result = {
      benchmark: 'media',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', totalMemGiB: round(totalmem() / 2 ** 30), node: process.version },
      ringMs: RING_MS,
      loadAverage: { start: loadBefore.map(round), end: loadavg().map(round) },
      floorConsumeToFirstFrameMs: bare,
      acceptToFirstRemoteFrameMs: Object.fromEntries(
        Object.entries(modes).map(([k, v]) => {
          const side = (xs: number[]) => {
            const sm = summary(xs);
            return { ...sm, ratioP50: ratio(sm.p50, bare.p50), ratioP95: ratio(sm.p95, bare.p95) };
          };
          // harnessBeforeInput: Playwright's click() → the page's pointerdown (not in the two sides).
          return [k, { caller: side(v.caller), callee: side(v.callee), harnessBeforeInput: summary(v.harness), targetRatioP50: k === 'withoutPrewarm' ? null : TARGET_RATIO }];
        }),
      ),
    };
    const out = writeResult('media', result, { out: values.out });
    console.log(`bare mediasoup floor, consume → first frame: p50 ${bare.p50} ms   p95 ${bare.p95} ms   max ${bare.max} ms   (${bare.runs} runs)`);
    for (const [k, v] of Object.entries(result.acceptToFirstRemoteFrameMs)) {
      for (const side of ['caller', 'callee'] as const) {
        const x = v[side];
        const target = v.targetRatioP50 === null ? '' : `   target p50 ≤ ${v.targetRatioP50}× ${x.ratioP50 <= v.targetRatioP50 ? 'met' : 'MISSED'}`;
        console.log(`accept → first frame, ${k.padEnd(21)} ${side.padEnd(6)}  p50 ${x.p50} ms (${x.ratioP50}× floor)   p95 ${x.p95} ms (${x.ratioP95}×)   max ${x.max} ms   (${x.runs} runs)${target}`);
      }
      console.log(`  (${k}: Playwright's click() → the pointerdown, before the measure: p50 ${v.harnessBeforeInput.p50} ms, max ${v.harnessBeforeInput.max} ms)`);
    }
    console.log(`load average (1/5/15 min) at end: ${load()}`);
    console.log(`written to ${out}`);
  } finally {
    await floor.close();
    for (const d of opened) await d.close();
    await browser.close();
    await t.close();
  }
}

await main();
