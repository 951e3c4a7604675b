// A desktop app core signed in to a test server: a headless platform on a temp profile, quick reconnects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesktopCore } from '../../src/main/app/DesktopCore.ts';
import { HeadlessPlatform } from '../../src/main/platform/headless.ts';
import { TokenVault } from '../../src/main/settings/Identity.ts';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { PASSWORD } from './harness.ts';

export interface SignedInDesktop {
  core: DesktopCore;
  platform: HeadlessPlatform;
  /** The saved session, as the app keeps it in its profile. */
  vault: TokenVault;
}

/** Starts a desktop core named `hostName` and signs `user` in; `cleanup` gets its close and profile removal. */
export async function signedInDesktop(serverUrl: string, user: string, hostName: string, cleanup: (() => void)[]): Promise<SignedInDesktop> {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-desk-'));
  const platform = new HeadlessPlatform({ userDataDir: dir, hostName });
  const core = new DesktopCore({ platform, backoff: { initialMs: 50, maxMs: 300, jitter: 0.2 } });
  cleanup.push(() => {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await core.start();
  await core.login({ serverUrl, userId: asUserId(user), password: PASSWORD });
  return { core, platform, vault: new TokenVault(dir, platform.secrets) };
}
