// Every main screen and state, photographed at 1280×800 and 420×640, light and dark, en and zh-CN,
// with axe-core run on each (0 serious or critical violations), and the in-call control bar checked
// to stay inside the window. One browser; the desktops are reused and only the viewport, colour
// scheme and language change between shots.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { until } from '../integration/harness.ts';
import { assertMediasoupWorker, screenshot, type Desktop } from './harness.ts';
import { e2eSuite } from './suite.ts';

const suite = e2eSuite({ users: ['alice', 'bob', 'carol', 'dave'], check: assertMediasoupWorker }); // dave: someone left to add to a call
// axe-core goes in as an init script: CDP-injected, so the app's CSP lets it run.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const desktop = (name: string, user: string | null): Promise<Desktop> => suite.desktop(name, user, { initScript: AXE });

const SIZES = [
  { tag: 'desktop', width: 1280, height: 800 },
  { tag: 'small', width: 420, height: 640 },
] as const;
/** The ringing window's size (src/main/platform/electronWindows.ts, RINGING_SIZE). */
const RINGING_WINDOW = { tag: 'window', width: 380, height: 240 } as const;
const SCHEMES = ['light', 'dark'] as const;
const LOCALES = ['en', 'zh-CN'] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Serious and critical axe violations on the page as it is now. */
async function axeSerious(page: Page): Promise<string[]> {
  const violations = await page.evaluate(async () => {
    // Reflect.get: this file is type-checked without the DOM library; axe is the init script's global.
    const axe = Reflect.get(globalThis, 'axe') as { run: (ctx: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> };
    const r = await axe.run(Reflect.get(globalThis, 'document'), { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

async function setLocale(d: Desktop, locale: (typeof LOCALES)[number]): Promise<void> {
  d.host.core.updateSettings({ language: locale });
  await d.page.waitForFunction((l) => Reflect.get(Reflect.get(globalThis, 'document'), 'documentElement').lang === l, locale === 'en' ? 'en' : 'zh-CN');
}

const shots: string[] = [];
const problems: string[] = [];

/** Photographs the page in every size (or the given ones), scheme and language, and runs axe on each. */
async function capture(d: Desktop, screen: string, ready?: (p: Page) => Promise<void>, sizes: readonly { tag: string; width: number; height: number }[] = SIZES): Promise<void> {
  for (const locale of LOCALES) {
    await setLocale(d, locale);
    for (const size of sizes) {
      await d.page.setViewportSize({ width: size.width, height: size.height });
      for (const scheme of SCHEMES) {
        await d.page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        await ready?.(d.page);
        const name = `screen-${screen}-${size.tag}-${scheme}-${locale}`;
        await screenshot(d.page, name);
        shots.push(name);
        for (const p of await axeSerious(d.page)) problems.push(`${name}: ${p}`);
      }
    }
  }
  await setLocale(d, 'en');
}

/** Every button of the control bar lies wholly inside the viewport. */
function controlsInView(page: Page, what: string): Promise<void> {
  return buttonsInView(page, '[data-testid="control-bar"] > button', 6, what);
}

/** At least `min` buttons match `selector`, and each lies wholly inside the viewport. */
async function buttonsInView(page: Page, selector: string, min: number, what: string): Promise<void> {
  const vp = page.viewportSize();
  if (!vp) throw new Error('no viewport');
  const buttons = page.locator(selector);
  const n = await buttons.count();
  expect(n, `${what}: buttons`).toBeGreaterThanOrEqual(min);
  for (let i = 0; i < n; i++) {
    const b = buttons.nth(i);
    const box = await b.boundingBox();
    const id = await b.getAttribute('data-testid');
    expect(box, `${what}: ${id} has a box`).not.toBeNull();
    if (!box) continue;
    expect(box.x, `${what}: ${id} left`).toBeGreaterThanOrEqual(0);
    expect(box.y, `${what}: ${id} top`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${what}: ${id} right (${vp.width})`).toBeLessThanOrEqual(vp.width + 0.5);
    expect(box.y + box.height, `${what}: ${id} bottom (${vp.height})`).toBeLessThanOrEqual(vp.height + 0.5);
  }
}
/**
 * The call page's content sits in the middle of the desktop-size window: as high above it as below
 * (within 24 px), not at the top with the lower half empty. No banner shows when this is checked.
 */
async function centredAtDesktopSize(page: Page, testId: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  const box = await page.getByTestId(testId).boundingBox();
  expect(box, `${testId} has a box`).not.toBeNull();
  if (!box) return;
  const above = box.y;
  const below = 800 - (box.y + box.height);
  expect(Math.abs(above - below), `${testId}: ${Math.round(above)} px above, ${Math.round(below)} px below`).toBeLessThanOrEqual(24);
}

/** Nothing in the element is cut off behind a sideways scroll at the small window size. */
async function noSidewaysScroll(page: Page, selector: string, what: string): Promise<void> {
  await page.setViewportSize({ width: 420, height: 640 });
  const { scroll, client } = await page.locator(selector).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(scroll, `${what}: content ${scroll} px wide in ${client} px`).toBeLessThanOrEqual(client);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Each matching element shows its whole text at the desktop size: none ends in an ellipsis. */
async function noneCut(page: Page, selector: string, what: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  const cut = await page.locator(selector).evaluateAll((els) => els.filter((el) => el.scrollWidth > el.clientWidth).map((el) => el.textContent));
  expect(await page.locator(selector).count(), `${what}: shown`).toBeGreaterThan(0);
  expect(cut, `${what} cut off`).toEqual([]);
}

/** The two elements do not overlap, at both window sizes. */
async function apart(page: Page, a: string, b: string, what: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    const [x, y] = await Promise.all([page.locator(a).boundingBox(), page.locator(b).boundingBox()]);
    expect(x && y, `${what}: both shown at ${size.tag}`).toBeTruthy();
    if (!x || !y) continue;
    const overlap = x.x < y.x + y.width && y.x < x.x + x.width && x.y < y.y + y.height && y.y < x.y + x.height;
    expect(overlap, `${what} overlap at ${size.tag}: ${JSON.stringify(x)} / ${JSON.stringify(y)}`).toBe(false);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Where an element sits at the desktop size: a page's title, the Calls section's tabs. */
async function topAtDesktop(page: Page, selector: string): Promise<number> {
  await page.setViewportSize({ width: 1280, height: 800 });
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not shown`);
  return box.y;
}
const TITLE = 'main.screen h1';

const CONTROL_SIZES = [{ width: 1280, height: 800 }, { width: 420, height: 640 }, { width: 360, height: 480 }] as const;
async function controlsInViewAtAllSizes(page: Page, what: string): Promise<void> {
  for (const s of CONTROL_SIZES) {
    await page.setViewportSize(s);
    await controlsInView(page, `${what} at ${s.width}×${s.height}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Ten members in the grid, in the real built app: the media store is given nine fake remote members. */
async function fakeTenMemberGrid(page: Page): Promise<void> {
  await page.evaluate(() => {
    const doc = Reflect.get(globalThis, 'document') as { querySelector: (s: string) => unknown };
    const app = Reflect.get(doc.querySelector('#app') as object, '__vue_app__') as { config: { globalProperties: { $pinia: { _s: Map<string, Record<string, unknown>> } } } };
    const media = app.config.globalProperties.$pinia._s.get('media');
    if (!media) throw new Error('no media store');
    const ids = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'];
    media['members'] = ids.map((u) => ({ userId: u, deviceId: `${u}-pc`, deviceName: `${u}-pc` }));
    media['remotes'] = ids.map((u) => ({ consumerId: `fake-${u}`, producerId: `pfake-${u}`, userId: u, deviceId: `${u}-pc`, kind: 'audio', source: 'mic', paused: false }));
    media['activeSpeaker'] = 'm5/m5-pc';
  });
  await page.locator('[data-testid="media-stage"][data-tiles="9"]').waitFor();
}

describe('screens', () => {
  it('every screen and state: screenshots, axe, and the control bar in view', async () => {
    const signin = await desktop('signin-pc', null);
    await signin.page.getByTestId('screen-signin').waitFor();
    await capture(signin, 'signin');
    await signin.close();

    const alice = await desktop('alice-pc', 'alice');
    const bob = await desktop('bob-pc', 'bob');
    // Home (Calls) with a favorite, then with a missed call: the badge on Calls and the card, never a blocking screen.
    await alice.host.core.directory().addFavorite(asUserId('bob'));
    await alice.page.getByTestId('section-favorites').getByTestId('contact-bob').waitFor();
    const peopleTabsTop = await topAtDesktop(alice.page, '[data-testid="nav-people"]');
    // Every page's title sits where Calls has it: moving between them moves nothing but the content.
    const titleTop = await topAtDesktop(alice.page, TITLE);
    await capture(alice, 'home');
    const missedCall = await bob.host.core.invite([asUserId('alice')], 'audio', 'normal', 2);
    // It rings for 2 s: on a loaded machine the incoming screen may never get painted, so wait on main's count.
    await until(() => alice.host.core.snapshot().missed.count === 1, undefined, 'missed call counted');
    await alice.page.getByTestId('screen-home').waitFor();
    await alice.page.getByTestId('missed-calls').waitFor();
    expect(await alice.page.getByTestId('missed-count').innerText()).toBe('1');
    bob.host.core.calls().dismiss(missedCall.call.call.callID); // placed by the core, not on Bob's screen
    await capture(alice, 'home-missed');

    // The directory: the shell's search box opens it with the server's answer.
    await alice.page.getByTestId('contact-search').fill('bo');
    await alice.page.getByTestId('screen-directory').getByTestId('contact-bob').waitFor();
    expect(await topAtDesktop(alice.page, TITLE), 'the Directory\'s title').toBe(titleTop);
    await capture(alice, 'directory');
    // The rail's labels fit whole, the current one in bold too ("Directory" was cut to "Direct…").
    for (const locale of LOCALES) {
      await setLocale(alice, locale);
      await noneCut(alice.page, '.rail .nav-label', `rail labels, ${locale}`);
    }
    await setLocale(alice, 'en');
    await alice.page.getByTestId('nav-settings').click();
    await alice.page.getByTestId('screen-settings').waitFor();
    expect(await topAtDesktop(alice.page, TITLE), 'the Settings title').toBe(titleTop);
    await capture(alice, 'settings');

    // The server goes away: a banner says so (the screen stays usable), and goes when it is back.
    await alice.page.getByTestId('nav-calls').click();
    await suite.t.restart(async () => {
      await alice.page.getByTestId('connection-banner').waitFor({ timeout: 15_000 });
      await expect(alice.page.getByTestId('call-audio-bob').isDisabled()).resolves.toBe(true);
      await capture(alice, 'offline');
    });
    await alice.page.getByTestId('connection-status').and(alice.page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
    await alice.page.getByTestId('connection-banner').waitFor({ state: 'detached' });
    await bob.page.getByTestId('connection-status').and(bob.page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });

    // A 1:1 video call, answered at once.
    await alice.page.getByTestId('contact-search').fill('bob');
    await alice.page.getByTestId('call-video-bob').click();
    await bob.page.getByTestId('screen-incoming').waitFor();

    // In a 1:1 video call.
    await bob.page.getByTestId('accept-video').click();
    await alice.page.getByTestId('screen-in-call').waitFor();
    // "showing": Bob's first frame is in the tile (until then the tile shows his avatar).
    await alice.page.locator('[data-testid="tile-bob"][data-video="showing"]').waitFor({ timeout: 60_000 }).catch(async (e: unknown) => {
      await screenshot(alice.page, 'debug-in-call');
      const tiles = await alice.page.locator('[data-testid^="tile-"]').evaluateAll((els) => els.map((x) => x.outerHTML.slice(0, 300)));
      throw new Error(`${String(e)}\n${tiles.join('\n')}`);
    });
    await capture(alice, 'in-call-video');
    await controlsInViewAtAllSizes(alice.page, '1:1 video');

    // Quality panel open: an overlay, the bar stays.
    await alice.page.getByTestId('quality-toggle').click();
    await alice.page.getByTestId('quality-overlay').waitFor();
    await controlsInViewAtAllSizes(alice.page, 'quality panel open');
    await noSidewaysScroll(alice.page, '[data-testid="quality-overlay"] >> xpath=..', 'quality panel');
    await apart(alice.page, '[data-testid="quality-overlay"] >> xpath=..', '[data-testid="tile-self"]', 'the quality panel and your own picture-in-picture');
    await capture(alice, 'in-call-quality');
    await alice.page.getByTestId('quality-toggle').click();

    // Bob presents: Alice sees the screen on stage with a filmstrip; Bob sees "You are presenting".
    await bob.page.getByTestId('screen-share').click();
    await alice.page.locator('[data-testid="media-stage"][data-layout="stage"]').waitFor({ timeout: 60_000 });
    await bob.page.getByTestId('presenting').waitFor();
    expect(await bob.page.getByTestId('self-screen').count()).toBe(0);
    // The shared screen takes the stage's whole width (it was held to 760 px of 1264 by the pages' class),
    // and your own picture is in the filmstrip, not over the screen.
    await alice.page.setViewportSize({ width: 1280, height: 800 });
    await alice.page.locator('[data-testid="media-stage"] > .presented[data-video="showing"]').waitFor({ timeout: 60_000 });
    await apart(alice.page, '[data-testid="media-stage"] > .presented', '[data-testid="tile-self"]', 'the shared screen and your own picture');
    const [stageBox, shownBox] = await Promise.all([alice.page.getByTestId('media-stage').boundingBox(), alice.page.locator('[data-testid="media-stage"] > .presented').boundingBox()]);
    expect(shownBox && stageBox && shownBox.width >= stageBox.width - 32, `shared screen ${JSON.stringify(shownBox)} in stage ${JSON.stringify(stageBox)}`).toBe(true);
    await capture(alice, 'screen-share');
    await capture(bob, 'presenting');
    await controlsInViewAtAllSizes(alice.page, 'viewer during screen share');
    await controlsInViewAtAllSizes(bob.page, 'sharer during screen share');
    await bob.page.getByTestId('presenting-stop').click();
    await alice.page.locator('[data-testid="media-stage"][data-layout="one"]').waitFor({ timeout: 60_000 });

    // Ten members (nine fake remote members in the real app's store, plus this user).
    await fakeTenMemberGrid(alice.page);
    await apart(alice.page, '[data-testid="tile-m9"]', '[data-testid="tile-self"]', 'the ninth member\'s tile and your own');
    await capture(alice, 'grid-10');
    await controlsInViewAtAllSizes(alice.page, '10-member grid');

    // Ended, from the one who ended it.
    await alice.page.getByTestId('end-call').click();
    await alice.page.getByTestId('screen-call-ended').waitFor();
    await centredAtDesktopSize(alice.page, 'screen-call-ended');
    await capture(alice, 'ended');
    await alice.page.getByTestId('dismiss-call').click();
    await bob.page.getByTestId('dismiss-call').click({ timeout: 3000 }).catch(() => undefined); // may already be home

    // An audio call.
    await bob.page.getByTestId('screen-home').waitFor();
    await bob.page.getByTestId('contact-search').fill('alice');
    await bob.page.getByTestId('call-audio-alice').click();
    await alice.page.getByTestId('screen-incoming').waitFor();
    // Outgoing and incoming, ringing (the invitation times out only after a minute). In an earlier
    // version of this test, shooting Bob's incoming screen for 30 s (with language switches) before he
    // accepted left his camera producer paused after the accept: see the report.
    await centredAtDesktopSize(bob.page, 'screen-outgoing');
    await centredAtDesktopSize(alice.page, 'screen-incoming');
    await capture(bob, 'outgoing');
    await capture(alice, 'incoming');
    // The ringing window main opens above everything while the app is in the background: the same
    // renderer at its route, at the window's size (RINGING_SIZE in src/main/platform/electronWindows.ts).
    const ringingCall = alice.host.platform.ringingCall;
    if (!ringingCall) throw new Error('alice has no ringing window');
    const ringingPage = await alice.context.newPage();
    await ringingPage.goto(`${alice.host.url}#/ringing/${encodeURIComponent(ringingCall)}`);
    await ringingPage.getByTestId('screen-incoming').waitFor();
    await capture({ ...alice, page: ringingPage }, 'ringing', undefined, [RINGING_WINDOW]);
    for (const locale of LOCALES) {
      await setLocale({ ...alice, page: ringingPage }, locale);
      await buttonsInView(ringingPage, '[data-testid="screen-incoming"] .actions > button', 3, `ringing window, ${locale}`);
    }
    await setLocale(alice, 'en');
    await ringingPage.close();
    await alice.page.getByTestId('accept-audio').click();
    await alice.page.getByTestId('screen-in-call').waitFor();
    await alice.page.locator('[data-testid="tile-bob"][data-mic="on"]').waitFor({ timeout: 60_000 });
    await capture(alice, 'in-call-audio');
    await apart(alice.page, '[data-testid="tile-self"] .avatar', '[data-testid="tile-self"] figcaption', 'your own picture\'s avatar and name');
    await controlsInViewAtAllSizes(alice.page, 'audio call');
    await alice.page.getByTestId('end-call').click();
    await alice.page.getByTestId('dismiss-call').click();

    await alice.page.getByTestId('nav-history').click();
    await alice.page.getByTestId('history-item').first().waitFor();
    expect(await topAtDesktop(alice.page, '[data-testid="nav-people"]'), 'the tabs stay where they were on People').toBe(peopleTabsTop);
    expect(await topAtDesktop(alice.page, TITLE), 'History\'s title').toBe(titleTop);
    await capture(alice, 'history');

    // A video call coming in, with the camera preview turned on before answering; then declined.
    await alice.page.getByTestId('nav-calls').click();
    await bob.page.getByTestId('dismiss-call').click({ timeout: 10_000 }).catch(() => undefined); // the audio call's end, unless it closed itself
    await bob.page.getByTestId('screen-home').waitFor();
    await bob.page.getByTestId('contact-search').fill('alice');
    await bob.page.getByTestId('call-video-alice').click();
    await alice.page.getByTestId('screen-incoming').waitFor();
    await alice.page.getByTestId('preview-camera').click();
    await alice.page.getByTestId('preview-video').waitFor();
    await centredAtDesktopSize(alice.page, 'screen-incoming');
    await capture(alice, 'incoming-video-preview');
    // Declined: straight back home, no "You declined the call" page to close.
    await alice.page.getByTestId('decline').click();
    await alice.page.getByTestId('screen-home').waitFor();
    await bob.page.getByTestId('screen-call-ended').waitFor();
    await bob.page.getByTestId('dismiss-call').click();

    // A group call: the picker on Calls, then the outgoing page for two people.
    await alice.page.getByTestId('multi-party').click();
    await alice.page.getByTestId('picker-search').fill('carol');
    await alice.page.getByTestId('pick-carol').check();
    await alice.page.getByTestId('picker-search').fill('bob');
    await alice.page.getByTestId('pick-bob').check();
    expect(await alice.page.getByTestId('picker-confirm').innerText()).toContain('(2/');
    await capture(alice, 'group-picker');
    await alice.page.getByTestId('picker-confirm').click();
    await alice.page.getByTestId('invitee-carol').waitFor();
    await alice.page.getByTestId('invitee-bob').waitFor();
    await centredAtDesktopSize(alice.page, 'screen-outgoing');
    await capture(alice, 'outgoing-group');

    // Bob answers; Alice adds someone from the call: the same picker, in the people panel on the dark stage.
    await bob.page.getByTestId('screen-incoming').waitFor();
    await bob.page.getByTestId('accept-audio').click();
    await alice.page.getByTestId('screen-in-call').waitFor();
    await alice.page.getByTestId('more').click();
    await alice.page.getByTestId('invite-more').click();
    await alice.page.getByTestId('contact-picker').waitFor();
    await alice.page.getByTestId('picker-search').fill('dave');
    await alice.page.getByTestId('pick-dave').check();
    await capture(alice, 'in-call-add-people');
    await alice.page.getByTestId('picker-cancel').click();
    await alice.page.getByTestId('more').click();
    await alice.page.getByTestId('quit-call').click();

    process.stdout.write(`screens: ${shots.length} screenshots in test-results/e2e/\n`);
    expect(shots.length).toBe((20 * SIZES.length + 1) * SCHEMES.length * LOCALES.length); // + the ringing window at its one size
    expect(problems).toEqual([]);
  }, 1_200_000);
});
