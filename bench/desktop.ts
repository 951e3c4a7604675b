// `npm run bench:desktop`: the desktop app's own numbers, in the headless host with the built
// renderer in Chromium against a real server on loopback. Prints them and writes JSON.
//   launch → signaling connected (a saved session, as at login to the OS)
//   invite sent → Bob's incoming screen visible (p50/p90 over --runs)
//   answer on one device → the other device stops ringing
//   the renderer's initial JS (gzip)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { asUserId } from '../src/shared/protocol/index.ts';
import { startHeadlessHost } from '../tools/headless-host/host.ts';
import { now, pct, round, writeResult } from './results.ts';
import { PASSWORD, startTestServer, until } from '../test/integration/harness.ts';
import { assertPrerequisites, launchBrowser, openDesktop, RENDERER_DIR, signIn, type Desktop } from '../test/e2e/harness.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);

function initialJsGzip(): { files: string[]; bytes: number; gzipBytes: number } {
  const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1] ?? '').filter(Boolean);
  let bytes = 0;
  let gzipBytes = 0;
  for (const f of files) {
    const buf = readFileSync(join(RENDERER_DIR, f));
    bytes += buf.length;
    gzipBytes += gzipSync(buf, { level: 9 }).length;
  }
  return { files, bytes, gzipBytes };
}

/** Records in the page when the incoming screen appears, on the same clock as Node's. */
async function armIncomingProbe(d: Desktop): Promise<void> {
  // A string, so this Node-typed file needs no DOM typings for code that only runs in the page.
  await d.page.evaluate(`(() => {
    window.__incomingAt = undefined;
    const seen = () => document.querySelector('[data-testid="screen-incoming"]') !== null;
    const obs = new MutationObserver(() => {
      if (window.__incomingAt === undefined && seen()) {
        window.__incomingAt = performance.timeOrigin + performance.now();
        obs.disconnect();
      }
    });
    obs.observe(document.body, { childList: true, subtree: true });
  })()`);
}

async function main(): Promise<void> {
  assertPrerequisites();
  // Printed at the start and the end: on a shared machine the figures move with the load.
  const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(`load average 1/5/15 min at start ${loadAtStart.join(' ')}`);
  const t = await startTestServer(['alice', 'bob']);
  const browser = await launchBrowser();
  const opened: Desktop[] = [];
  try {
    // Launch → connected, from a profile with a saved session (what every start after the first is).
    const profile = mkdtempSync(join(tmpdir(), 'ringdesk-bench-'));
    const first = await startHeadlessHost({ rendererDir: RENDERER_DIR, userDataDir: profile, hostName: 'bench' });
    await first.core.login({ serverUrl: t.url, userId: asUserId('alice'), password: PASSWORD });
    await first.close();
    const launches: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      const h = await startHeadlessHost({ rendererDir: RENDERER_DIR, userDataDir: profile, hostName: 'bench' });
      await until(() => h.core.snapshot().connection.state === 'connected', 5000, 'connected');
      launches.push(now() - t0);
      await h.close();
    }
    rmSync(profile, { recursive: true, force: true });

    const alice = await openDesktop(browser, 'alice-pc');
    const bob = await openDesktop(browser, 'bob-pc');
    const bob2 = await openDesktop(browser, 'bob-laptop');
    opened.push(alice, bob, bob2);
    for (const [d, u] of [[alice, 'alice'], [bob, 'bob'], [bob2, 'bob']] as const) await signIn(d, t.url, u);

    const toScreen: number[] = [];
    const stopElsewhere: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await armIncomingProbe(bob);
      const t0 = now();
      const { call } = await alice.host.core.invite([asUserId('bob')], 'audio', 'normal', 30);
      await bob.page.getByTestId('screen-incoming').waitFor();
      const at = Number(await bob.page.evaluate('window.__incomingAt ?? NaN'));
      toScreen.push(at - t0);
      await until(() => bob2.host.platform.ringingCall !== null, 5000, 'second device rings');
      const t1 = now();
      await bob.host.core.accept(call.call.callID, 'audio');
      await until(() => bob2.host.platform.ringingCall === null, 5000, 'second device stops');
      stopElsewhere.push(now() - t1);
      await alice.host.core.calls().callEnd(call.call.callID);
      await until(() => bob.host.core.calls().view(call.call.callID)?.call.callState === 'ended', 5000, 'ended');
      for (const d of [alice, bob, bob2]) d.host.core.calls().dismiss(call.call.callID);
      await bob.page.getByTestId('screen-home').waitFor();
    }

    const js = initialJsGzip();
    const result = {
      benchmark: 'desktop',
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? '',
        totalMemGiB: round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverages1m5m15m: { start: loadAtStart, end: loadavg().map((x) => Math.round(x * 100) / 100) },
      },
      launchToConnectedMs: { runs: launches.length, p50: round(pct(launches, 50)), max: round(Math.max(...launches)), target: 1000 },
      inviteToIncomingScreenMs: { runs: toScreen.length, p50: round(pct(toScreen, 50)), p90: round(pct(toScreen, 90)), max: round(Math.max(...toScreen)), target: 150 },
      answerToOtherDeviceSilentMs: { runs: stopElsewhere.length, p50: round(pct(stopElsewhere, 50)), p90: round(pct(stopElsewhere, 90)), max: round(Math.max(...stopElsewhere)), target: 200 },
      rendererInitialJs: { files: js.files, bytes: js.bytes, gzipKiB: round(js.gzipBytes / 1024), targetKiB: 250 },
    };
    const out = writeResult('desktop', result, { out: values.out });
    console.log(`launch → connected        p50 ${result.launchToConnectedMs.p50} ms   max ${result.launchToConnectedMs.max} ms   (target ≤ 1000)`);
    console.log(`invite → incoming screen  p50 ${result.inviteToIncomingScreenMs.p50} ms   p90 ${result.inviteToIncomingScreenMs.p90} ms   (target ≤ 150, ${RUNS} runs)`);
    console.log(`answer → other device off p50 ${result.answerToOtherDeviceSilentMs.p50} ms   p90 ${result.answerToOtherDeviceSilentMs.p90} ms   (target ≤ 200)`);
    console.log(`renderer initial JS       ${result.rendererInitialJs.gzipKiB} KiB gzip (${js.files.length} files; target ≤ 250)`);
    console.log(`load average 1/5/15 min: start ${loadAtStart.join(' ')}, end ${result.machine.loadAverages1m5m15m.end.join(' ')}`);
    console.log(`written to ${out}`);
  } finally {
    for (const d of opened) await d.close();
    await browser.close();
    await t.close();
  }
}

await main();
