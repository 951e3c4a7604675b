// End-to-end harness: the real server, the real main-process core in headless hosts, and the
// built renderer in Debian's Chromium driven by playwright-core.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHeadlessHost, type HeadlessHost } from '../../tools/headless-host/host.ts';
import { asCallId, type CallId } from '../../src/shared/protocol/index.ts';
import { PASSWORD, workerBin } from '../integration/harness.ts';

export const RENDERER_DIR = resolve('out/renderer');
export const ARTIFACTS = resolve('test-results/e2e');
/** Debian's package; override with CHROMIUM_PATH elsewhere. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export function assertPrerequisites(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run "npx electron-vite build" (scripts/test.sh does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: "apt-get install chromium" (scripts/test.sh does)`);
}

/**
 * `denyMedia`: leave out Chromium's fake permission UI, so headless Chromium answers every camera
 * and microphone prompt with NotAllowedError, as a user who clicks "Block" (the fake devices stay).
 */
export function launchBrowser(o: { denyMedia?: boolean } = {}): Promise<Browser> {
  const args = o.denyMedia ? CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream') : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

export interface Desktop {
  name: string;
  host: HeadlessHost;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** One "installed app": a headless host with its own profile folder, and a page showing it. */
export async function openDesktop(browser: Browser, name: string, o: { locale?: string; initScript?: string } = {}): Promise<Desktop> {
  const dir = mkdtempSync(join(tmpdir(), `ringdesk-e2e-${name}-`));
  const host = await startHeadlessHost({
    rendererDir: RENDERER_DIR,
    userDataDir: dir,
    hostName: name,
    locale: o.locale ?? 'en-US',
    core: { backoff: { initialMs: 100, maxMs: 1000, jitter: 0.2 } },
  });
  const context = await browser.newContext({ locale: o.locale ?? 'en-US', viewport: { width: 960, height: 680 } });
  // Runs before the app's own scripts in every document (CDP-injected, so the page's CSP allows it).
  if (o.initScript) await context.addInitScript({ content: o.initScript });
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[${name} page error] ${e.message}\n`));
  await page.goto(host.url);
  return {
    name,
    host,
    context,
    page,
    async close() {
      await context.close();
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function signIn(d: Desktop, serverUrl: string, user: string, password = PASSWORD): Promise<void> {
  const p = d.page;
  await p.getByTestId('signin-server').fill(serverUrl);
  await p.getByTestId('signin-user').fill(user);
  await p.getByTestId('signin-password').fill(password);
  await p.getByTestId('signin-submit').click();
  await p.getByTestId('screen-home').waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Alice finds Bob through the server's directory and calls him with video; Bob's app rings. */
export async function callsWithVideo(alice: Desktop, bob: Desktop): Promise<void> {
  await alice.page.getByTestId('contact-search').fill('bob');
  await alice.page.getByTestId('call-video-bob').click();
  await bob.page.getByTestId('screen-incoming').waitFor();
}

/** The id of the call this desktop's in-call screen shows (the server's id). */
export async function callIdOf(d: Desktop): Promise<CallId> {
  const id = await d.page.getByTestId('screen-in-call').getAttribute('data-call-id');
  if (!id) throw new Error(`${d.name}: the in-call screen has no data-call-id`);
  return asCallId(id);
}

/** Alice calls Bob with video (callsWithVideo) and Bob accepts with video. Returns the call's id. */
export async function videoCallAccepted(alice: Desktop, bob: Desktop): Promise<CallId> {
  await callsWithVideo(alice, bob);
  await bob.page.getByTestId('accept-video').click();
  await alice.page.getByTestId('screen-in-call').waitFor();
  await bob.page.getByTestId('screen-in-call').waitFor();
  return callIdOf(bob);
}

/** The media e2e files need a mediasoup worker; without one they fail saying how to get it. */
export function assertMediasoupWorker(): void {
  if (!workerBin()) throw new Error('no mediasoup worker: run "bash scripts/setup-mediasoup.sh" or set MEDIASOUP_WORKER_BIN');
}
