// `node bench/media-trace.ts [calls] [fast|noprewarm]`: where the time goes between Accept and the
// first remote frame, one call at a time (a diagnostic next to bench:media, not a benchmark). Prints,
// in ms from the click on "Accept video": the server's SFU requests (> sent, < answered), the calls'
// member states, mediasoup's key-frame and PLI traces, consumer resumes and layer changes, each
// page's console, and when each side decoded its first remote frame (bench:media's measure). A side
// without a frame gets its page's videos, store and inbound RTP stats. Default: pre-warmed, rung
// 1.5 s; `fast` answers as soon as it rings; `noprewarm` turns pre-warm off. Also printed: when
// Bob's pointerdown happened (Playwright's click() spends tens of ms before it), when each in-call
// screen and remote tile appeared, and each page's long tasks. TRACE_PROFILE_DIR=DIR saves each
// page's CPU profile of the accept (read with bench/profile-summary.ts); TRACE_TIMELINE=1 sums
// Bob's main-thread work by kind (style, layout, paint, script) from a Chrome trace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import { asCallId } from '../src/shared/protocol/index.ts';
import { startTestServer, until } from '../test/integration/harness.ts';
import { launchBrowser, openDesktop, signIn, type Desktop } from '../test/e2e/harness.ts';
import { now } from './results.ts';

let t0 = 0;
const lines: string[] = [];
const log = (s: string): void => void lines.push(`${t0 ? (now() - t0).toFixed(1).padStart(8) : '   (pre)'} ${s}`);

const t = await startTestServer(['alice', 'bob']);
const sfu = t.server.services.sfu;
const who = new Map<string, string>();
const handle = sfu.handle.bind(sfu);
sfu.handle = async (actor, req) => {
  const tag = `${actor.userId} ${req.type}`;
  if (req.type !== 'sfuGetStats') log(`> ${tag}`);
  const r = await handle(actor, req);
  if (req.type !== 'sfuGetStats') log(`< ${tag}`);
  return r;
};
t.server.services.calls.on('changed', (c) => log(`call changed: ${c.members.map((m) => `${m.userId}:${m.state}`).join(' ')}`));
const worker = sfu.pool?.workers[0]?.worker;
worker?.observer.on('newrouter', (router) => {
  router.observer.on('newtransport', (tr) => {
    const user = String(tr.appData['userId']); // Room.createTransport puts the owner's id there
    tr.observer.on('newproducer', (p: types.Producer) => {
      who.set(p.id, user);
      const n = `${user}.${p.kind}P`;
      if (p.kind === 'video') void p.enableTraceEvent(['pli', 'fir', 'keyframe']);
      p.on('trace', (e) => log(`${n} trace ${e.type} ${e.direction}`));
      p.observer.on('pause', () => log(`${n} paused`));
      p.observer.on('resume', () => log(`${n} resumed`));
    });
    tr.observer.on('newconsumer', (c: types.Consumer) => {
      const n = `${user}.consumes.${who.get(c.producerId)}.${c.kind}`;
      log(`${n} created`);
      if (c.kind === 'video') void c.enableTraceEvent(['pli', 'fir', 'keyframe']);
      c.on('trace', (e) => log(`${n} trace ${e.type} ${e.direction}`));
      c.observer.on('resume', () => log(`${n} resumed`));
      c.on('layerschange', (l) => log(`${n} layers ${JSON.stringify(l)}`));
      c.on('score', (s) => log(`${n} score ${JSON.stringify(s)}`));
    });
  });
});

async function armFirstFrame(d: Desktop, from: string): Promise<void> {
  await d.page.evaluate(`(() => {
    window.__firstFrameAt = undefined;
    window.__inputAt = undefined;
    window.__tileAt = undefined;
    window.__inCallAt = undefined;
    window.__long = [];
    window.__sinkAt = undefined;
    if (window.__pcs) for (const pc of window.__pcs) for (const r of pc.getReceivers()) {
      if (r.track.kind !== 'video' || r.track.readyState !== 'live') continue;
      const sink = document.createElement('video');
      sink.muted = true; sink.autoplay = true; sink.style.cssText = 'position:fixed;left:0;top:0;width:64px;height:48px;opacity:0.01;pointer-events:none';
      sink.srcObject = new MediaStream([r.track]);
      document.body.append(sink);
      const sid = setInterval(() => { if (sink.videoWidth > 0) { window.__sinkAt ??= performance.timeOrigin + performance.now(); clearInterval(sid); sink.remove(); } }, 2);
    }
    window.__ipc = [];
    if (!window.__ipcWrapped && window.ringdesk) {
      window.__ipcWrapped = true;
      for (const k of Object.keys(window.ringdesk)) {
        const f = window.ringdesk[k];
        if (typeof f !== 'function' || k.startsWith('on')) continue;
        try { window.ringdesk[k] = (a) => { const t = performance.timeOrigin + performance.now(); return f(a).finally(() => window.__ipc.push([k + (a && a.type ? ':' + a.type : ''), t, performance.timeOrigin + performance.now()])); }; } catch {}
      }
    }
    if (!window.__longObs) {
      window.__longObs = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([performance.timeOrigin + e.startTime, e.duration]); });
      window.__longObs.observe({ type: 'longtask', buffered: false });
    }
    document.addEventListener('pointerdown', (e) => { window.__inputAt ??= performance.timeOrigin + e.timeStamp; }, { capture: true, once: true });
    const id = setInterval(() => {
      const v = document.querySelector('[data-testid="remote-video-${from}"]');
      if (v && window.__tileAt === undefined) window.__tileAt = performance.timeOrigin + performance.now();
      if (window.__inCallAt === undefined && document.querySelector('[data-testid="screen-in-call"]')) window.__inCallAt = performance.timeOrigin + performance.now();
      if (v && v.videoWidth > 0) { window.__firstFrameAt = performance.timeOrigin + performance.now(); clearInterval(id); }
    }, 2);
  })()`);
}
async function firstFrameAt(d: Desktop): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const at = Number(await d.page.evaluate('window.__firstFrameAt ?? NaN'));
    if (Number.isFinite(at)) return at;
    await d.page.waitForTimeout(10);
  }
  return NaN;
}

const browser = await launchBrowser();
const initScript = `(() => { const O = window.RTCPeerConnection; window.__pcs = []; window.RTCPeerConnection = function (...a) { const pc = new O(...a); window.__pcs.push(pc); return pc; }; window.RTCPeerConnection.prototype = O.prototype; })();`;
const alice = await openDesktop(browser, 'alice-pc', { initScript });
const bob = await openDesktop(browser, 'bob-pc', { initScript });
async function diag(d: Desktop): Promise<string> {
  return String(await d.page.evaluate(`(async () => {
    const vids = [...document.querySelectorAll('video')].map((v) => (v.dataset.testid ?? '?') + ' w=' + v.videoWidth + ' rs=' + v.readyState + ' tracks=' + (v.srcObject ? v.srcObject.getTracks().map((t) => t.readyState + (t.muted ? '/muted' : '')).join(',') : 'none'));
    const ins = [];
    for (const pc of window.__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const r = await pc.getStats();
      r.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') ins.push('in ssrc ' + s.ssrc + ' pk=' + s.packetsReceived + ' fr=' + s.framesReceived + ' dec=' + s.framesDecoded + ' kf=' + s.keyFramesDecoded + ' pli=' + s.pliCount + ' nack=' + s.nackCount); });
      ins.push('pc ' + pc.connectionState);
    }
    const pinia = document.querySelector('#app')?.__vue_app__?.config.globalProperties.$pinia;
    const m = pinia?.state.value.media;
    const store = m ? { callID: m.callID, state: m.state, members: m.members.map((x) => x.userId), remotes: m.remotes.map((x) => x.userId + ':' + x.kind + (x.paused ? ':paused' : '')), intent: m.intent } : 'no pinia';
    return JSON.stringify({ store, screen: [...document.querySelectorAll('[data-testid^=screen-]')].map((e) => e.dataset.testid), vids, ins });
  })()`));
}
for (const d of [alice, bob]) d.page.on('console', (msg) => { if (msg.type() !== 'debug') log(`${d.name} console.${msg.type()}: ${msg.text().slice(0, 200)}`); });
await signIn(alice, t.url, 'alice');
await signIn(bob, t.url, 'bob');
const runs = Number(process.argv[2] ?? 3);
if (process.argv[3] === 'noprewarm') for (const d of [alice, bob]) d.host.core.updateSettings({ prewarmMedia: false });
for (let i = 0; i < runs; i++) {
  lines.length = 0;
  t0 = 0;
  await alice.page.getByTestId('contact-search').fill('bob');
  await alice.page.getByTestId('call-video-bob').click();
  await bob.page.getByTestId('screen-incoming').waitFor();
  const id = asCallId((await bob.page.getByTestId('screen-incoming').getAttribute('data-call-id')) ?? '');
  if (process.argv[3] !== 'fast' && process.argv[3] !== 'noprewarm') {
    await bob.page.locator('[data-testid="prewarm"][data-ready="true"]').waitFor({ state: 'attached', timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1500));
  }
  await armFirstFrame(alice, 'bob');
  await armFirstFrame(bob, 'alice');
  for (const d of [alice, bob]) log(`${d.name} parked videos: ${String(await d.page.evaluate(`JSON.stringify([...document.querySelectorAll('[data-role="video-parking"] video')].map((v) => [v.paused, v.readyState, v.videoWidth]))`))}`);
  log('--- accept');
  const profiling = process.env['TRACE_PROFILE_DIR'];
  const cdp = profiling ? await Promise.all([alice, bob].map(async (d) => {
    const c = await d.page.context().newCDPSession(d.page);
    await c.send('Profiler.enable');
    await c.send('Profiler.setSamplingInterval', { interval: 200 });
    await c.send('Profiler.start');
    return c;
  })) : [];
  const timeline = process.env['TRACE_TIMELINE'] ? await bob.page.context().newCDPSession(bob.page) : null;
  const events: { name: string; ph: string; dur?: number; tid: number; pid: number; ts: number; args?: { name?: string } }[] = [];
  if (timeline) {
    // Chrome trace events: that shape.
    timeline.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as typeof events)));
    await timeline.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink', transferMode: 'ReportEvents' });
  }
  t0 = now();
  await bob.page.getByTestId('accept-video').click();
  log('click returned');
  const [a, b] = [await firstFrameAt(alice), await firstFrameAt(bob)];
  const tail = now() - t0;
  if (timeline) {
    const done = new Promise((r) => timeline.once('Tracing.tracingComplete', r));
    await timeline.send('Tracing.end');
    await done;
    const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
    const by = new Map<string, number>();
    for (const e of events) if (e.ph === 'X' && e.dur && main.has(`${e.pid}/${e.tid}`)) by.set(e.name, (by.get(e.name) ?? 0) + e.dur / 1000);
    lines.push(`bob main thread (ms, inclusive): ${[...by].sort((a, b) => b[1] - a[1]).slice(0, 18).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  for (const [k, c] of cdp.entries()) {
    const { profile } = await c.send('Profiler.stop');
    writeFileSync(join(profiling ?? '.', `${k === 0 ? 'alice' : 'bob'}-${i}.cpuprofile`), JSON.stringify(profile));
    await c.detach();
  }
  if (!Number.isFinite(a)) lines.push(`alice diag ${await diag(alice)}`);
  if (!Number.isFinite(b)) lines.push(`bob diag ${await diag(bob)}`);
  lines.push(`caller first frame ${(a - t0).toFixed(1)}   callee first frame ${(b - t0).toFixed(1)}`);
  const at = async (d: Desktop, k: string): Promise<string> => (Number(await d.page.evaluate(`window.${k} ?? NaN`)) - t0).toFixed(1);
  for (const d of [alice, bob]) {
    const long = JSON.parse(String(await d.page.evaluate('JSON.stringify(window.__long)'))) as [number, number][];
    lines.push(`${d.name} long tasks: ${long.map(([s0, dur]) => `${(s0 - t0).toFixed(0)}+${dur.toFixed(0)}`).join(' ')}`);
  }
  for (const d of [alice, bob]) {
    const ipc = JSON.parse(String(await d.page.evaluate('JSON.stringify(window.__ipc ?? [])'))) as [string, number, number][];
    lines.push(`${d.name} ipc: ${ipc.map(([k, a, b]) => `${k} ${(a - t0).toFixed(0)}→${(b - t0).toFixed(0)}`).join(', ')}`);
  }
  lines.push(`bob's pointerdown ${await at(bob, '__inputAt')}; pre-attached sink's first frame: caller ${await at(alice, '__sinkAt')}, callee ${await at(bob, '__sinkAt')}; in-call screen: caller ${await at(alice, '__inCallAt')}, callee ${await at(bob, '__inCallAt')}; remote tile in the DOM: caller ${await at(alice, '__tileAt')}, callee ${await at(bob, '__tileAt')}`);
  await new Promise((r) => setTimeout(r, Math.max(0, 200 - tail)));
  console.log(`==== run ${i}\n${lines.join('\n')}`);
  t0 = 0;
  await alice.host.core.calls().callEnd(id);
  await until(() => bob.host.core.calls().view(id)?.call.callState === 'ended', 5000, 'ended');
  for (const d of [alice, bob]) d.host.core.calls().dismiss(id);
  await bob.page.getByTestId('screen-home').waitFor();
  await alice.page.getByTestId('screen-home').waitFor();
}
await alice.close();
await bob.close();
await browser.close();
await t.close();
