import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ServerConfigInput } from '../../server/config.ts';
import { startTestServer, type TestServer } from '../integration/harness.ts';
import { assertPrerequisites, launchBrowser, openDesktop, signIn, type Desktop } from './harness.ts';

export interface E2eSuite {
  /** One Chromium for the whole file. */
  readonly browser: Browser;
  /** A fresh real server for each test. */
  readonly t: TestServer;
  /** A page on its own headless host, closed after the test; signed in as `user` unless null. */
  desktop(name: string, user: string | null, o?: { locale?: string; browser?: Browser; initScript?: string }): Promise<Desktop>;
  /** This test's open desktops (for a failed wait to show what each one sends). */
  readonly desktops: readonly Desktop[];
  /** Closes this test's desktops now (before closing a browser of the test's own). */
  closeDesktops(): Promise<void>;
}

/** The fixtures of an e2e file, as vitest hooks (kept apart from harness.ts, which benches import outside vitest). */
export function e2eSuite(o: { users?: string[]; check?: () => void; server?: () => ServerConfigInput } = {}): E2eSuite {
  let browser: Browser | undefined;
  let t: TestServer | undefined;
  const open: Desktop[] = [];
  beforeAll(async () => {
    assertPrerequisites();
    o.check?.();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    t = await startTestServer(o.users ?? ['alice', 'bob', 'carol'], o.server?.() ?? {});
  });
  const closeDesktops = async (): Promise<void> => {
    for (const d of open.splice(0)) await d.close();
  };
  afterEach(async () => {
    await closeDesktops();
    await t?.close();
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not started: use it inside a test`);
    return v;
  };
  return {
    get browser() {
      return ready(browser, 'the browser');
    },
    get t() {
      return ready(t, 'the test server');
    },
    get desktops() {
      return open;
    },
    async desktop(name, user, d = {}) {
      const desk = await openDesktop(d.browser ?? ready(browser, 'the browser'), name, { ...(d.locale ? { locale: d.locale } : {}), ...(d.initScript ? { initScript: d.initScript } : {}) });
      open.push(desk);
      if (user !== null) await signIn(desk, ready(t, 'the test server').url, user);
      return desk;
    },
    closeDesktops,
  };
}
