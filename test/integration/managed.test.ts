// IT management through the desktop core on the headless platform: policy over settings, and an
// update that waits for the call to end (against a real server, so the call is a real one).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesktopCore } from '../../src/main/app/DesktopCore.ts';
import { HeadlessPlatform } from '../../src/main/platform/headless.ts';
import type { PolicySourceReading } from '../../src/main/policy/Policy.ts';
import { RecordingUpdater } from '../../src/main/update/RecordingUpdater.ts';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { PASSWORD, startTestServer, until, type TestServer } from './harness.ts';

let t: TestServer;
const made: { core: DesktopCore; dir: string }[] = [];

beforeEach(async () => {
  t = await startTestServer(['alice', 'bob']);
});
afterEach(async () => {
  for (const m of made.splice(0)) {
    m.core.close();
    rmSync(m.dir, { recursive: true, force: true });
  }
  await t.close();
});

async function desk(o: { policy?: PolicySourceReading[]; updater?: RecordingUpdater } = {}): Promise<{ core: DesktopCore; p: HeadlessPlatform; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-managed-'));
  const p = new HeadlessPlatform({ userDataDir: dir });
  p.policyReadings = o.policy ?? [];
  if (o.updater) p.updater = o.updater;
  const core = new DesktopCore({ platform: p });
  made.push({ core, dir });
  await core.start();
  return { core, p, dir };
}

describe('IT policy in the desktop core', () => {
  it('locks the server and start at login, turns video off, and reports a bad value without failing', async () => {
    const policy: PolicySourceReading[] = [
      { name: 'HKLM\\Software\\Policies\\Ringdesk', values: { ServerUrl: t.url, ServerUrlLocked: 1, StartAtLogin: 1, DisableVideo: 1, AutoUpdate: 'sometimes' } },
      { name: '/etc/broken.json', error: 'it is not valid JSON' },
    ];
    const { core, p, dir } = await desk({ policy });
    const snap = core.snapshot();
    expect(snap.settings).toMatchObject({ serverUrl: t.url, startAtLogin: true });
    expect(snap.policy).toMatchObject({ locked: ['serverUrl', 'startAtLogin'], features: { video: false, screenShare: true } });
    expect(snap.policy.warnings.map((w) => [w.source, w.key])).toEqual([
      ['HKLM\\Software\\Policies\\Ringdesk', 'AutoUpdate'],
      ['/etc/broken.json', null],
    ]);
    expect(p.of('autoLaunch').at(-1)).toEqual({ kind: 'autoLaunch', enabled: true });
    expect(() => core.updateSettings({ startAtLogin: false })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    await expect(core.login({ serverUrl: 'ws://127.0.0.1:1/ws', userId: asUserId('alice'), password: PASSWORD })).rejects.toMatchObject({ code: 'forbidden' });
    await core.login({ serverUrl: t.url, userId: asUserId('alice'), password: PASSWORD });
    await expect(core.invite([asUserId('bob')], 'video', 'normal', 30)).rejects.toMatchObject({ code: 'forbidden' });
    // The policy never lands in the user's own file.
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ startAtLogin: true, serverUrl: t.url });
    expect(core.updateSettings({ ringtone: 'chime' }).startAtLogin).toBe(true);
  });

  it('refuses ws:// to another machine with insecure_server, and signs in there once AllowInsecureServer is set', async ({ skip }) => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
    if (!lan) skip('this machine has no non-loopback IPv4 address');
    const srv = await startTestServer(['alice'], { host: '0.0.0.0', sfu: { enabled: false } });
    try {
      const url = `ws://${lan}:${srv.server.port}/ws`;
      const plain = await desk();
      await expect(plain.core.login({ serverUrl: url, userId: asUserId('alice'), password: PASSWORD })).rejects.toMatchObject({ code: 'insecure_server' });
      expect(srv.server.services.sessions.connectionCount).toBe(0); // refused before anything was sent
      const allowed = await desk({ policy: [{ name: 'HKLM\\Software\\Policies\\Ringdesk', values: { AllowInsecureServer: 1 } }] });
      await expect(allowed.core.login({ serverUrl: url, userId: asUserId('alice'), password: PASSWORD })).resolves.toMatchObject({ userId: 'alice' });
      await allowed.core.logout();
    } finally {
      await srv.close();
    }
  });

  it('has updates off in the headless host, and says so', async () => {
    const { core } = await desk();
    expect(core.snapshot().update).toMatchObject({ status: 'disabled', reason: 'notInstalled' });
    expect(() => core.installUpdate()).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  it('turns updates off by policy even with a feed and an installable build', async () => {
    const updater = new RecordingUpdater({ supported: true });
    const { core } = await desk({ policy: [{ name: 'p.json', values: { AutoUpdate: false } }], updater });
    expect(core.snapshot().update.status).toBe('disabled');
    expect(updater.calls).toEqual([]);
  });
});

describe('Restart to update never interrupts a call', () => {
  it('waits for the call to end, then installs; the tray offers it once an update is ready', async () => {
    const updater = new RecordingUpdater({ supported: true });
    const bob = await desk({ updater });
    const alice = await desk();
    await bob.core.login({ serverUrl: t.url, userId: asUserId('bob'), password: PASSWORD });
    await alice.core.login({ serverUrl: t.url, userId: asUserId('alice'), password: PASSWORD });
    const states: string[] = [];
    bob.core.on('update', (u) => states.push(u.status));
    updater.emit({ kind: 'available', version: '9.9.9' });
    updater.emit({ kind: 'downloaded', version: '9.9.9' });
    expect(states).toEqual(['downloading', 'ready']);
    expect(bob.p.trayState?.updateReady).toBe(true);

    const { call } = await alice.core.invite([asUserId('bob')], 'audio', 'normal', 30);
    await until(() => bob.p.ringingCall === call.call.callID, undefined, 'bob ringing');
    await bob.core.accept(call.call.callID, 'audio');
    bob.p.clickTray('restartToUpdate');
    expect(bob.core.snapshot().update.waitingForCall).toBe(true);
    expect(updater.calls).not.toContain('quitAndInstall');

    await alice.core.calls().callEnd(call.call.callID);
    await until(() => updater.calls.includes('quitAndInstall'), undefined, 'install after the call');
    expect(alice.core.calls().view(call.call.callID)?.call.callState).toBe('ended');
    // The core was closed before the installer took over, as tray "Quit" does.
    expect(() => bob.core.calls()).toThrow(/sign in first/);
  });
});
