import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { WindowsSignToolManager } from 'app-builder-lib/out/codeSign/windowsSignToolManager.js';
import { releaseConfig } from '../../build/release-config.mjs';
import { planSign } from '../../build/sign-windows.mjs';

// The electron-builder configuration as electron-builder itself loads and validates it, offline.
// These are the promises docs/deployment.md makes to IT: change them together.

const ROOT = join(import.meta.dirname, '..', '..');
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
/** validateConfiguration only logs through this when debugging is on. */
const quietLogger = { isEnabled: false, data: new Map<string, unknown>(), add: () => undefined, save: () => Promise.resolve() };

let config: Configuration;
beforeAll(async () => {
  config = await getConfig(ROOT, null, null);
});

interface TargetEntry {
  target: string;
  arch: string[];
}
/** The `target` lists as `{ target, arch }`, whatever shorthand the file uses. */
function targets(t: unknown): TargetEntry[] {
  if (!Array.isArray(t)) throw new Error('targets must be a list');
  return t.map((e: unknown) => {
    if (typeof e === 'string') return { target: e, arch: [] };
    const o = Object(e) as { target?: unknown; arch?: unknown }; // a target object from the YAML file
    return { target: String(o.target), arch: Array.isArray(o.arch) ? o.arch.map(String) : [String(o.arch)] };
  });
}

/** Every key anywhere in the configuration, for "no secret is in the file". */
function allKeys(v: unknown, out: string[] = []): string[] {
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      out.push(k);
      allKeys(child, out);
    }
  }
  return out;
}

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema, which does reject a bad key', async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, notAnOption: true } as Configuration, quietLogger)).rejects.toThrow(/notAnOption/); // an invalid config on purpose
  });

  it('names the app', () => {
    expect(config.appId).toBe('com.ringdesk.app');
    expect(config.productName).toBe('Ringdesk');
  });

  it('builds NSIS and MSI for x64 and arm64 on Windows', () => {
    const t = targets(config.win?.target);
    expect(t).toEqual([
      { target: 'nsis', arch: ['x64', 'arm64'] },
      { target: 'msi', arch: ['x64', 'arm64'] },
    ]);
  });

  it('makes NSIS per-user by default, per-machine on request, with a choosable folder', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true, allowToChangeInstallationDirectory: true, include: 'build/installer.nsh' });
    expect(existsSync(join(ROOT, 'build/installer.nsh'))).toBe(true);
    expect(read('build/installer.nsh')).toMatch(/Software\\Classes\\ringdesk/);
  });

  it('makes the MSI per-machine with a fixed upgrade code (so GPO/Intune upgrades replace it)', () => {
    expect(config.msi?.perMachine).toBe(true);
    expect(config.msi?.upgradeCode).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('keeps every signing secret out of the file: certificates and passwords come from the environment', () => {
    const keys = allKeys(config);
    for (const secret of ['cscLink', 'cscKeyPassword', 'certificateFile', 'certificatePassword', 'appleId', 'appleIdPassword', 'teamId']) expect(keys).not.toContain(secret);
    expect(config.win?.signtoolOptions?.sign).toBe('./build/sign-windows.mjs');
    expect(existsSync(join(ROOT, 'build/sign-windows.mjs'))).toBe(true);
  });

  it('signs by cloud command, by CSC_LINK certificate, or not at all (an unsigned local build works)', () => {
    expect(planSign({}, false, 'C:\\out\\Ringdesk.exe')).toEqual({ kind: 'skip' });
    expect(planSign({}, true, 'C:\\out\\Ringdesk.exe')).toEqual({ kind: 'certificate' });
    expect(planSign({ RINGDESK_SIGN_COMMAND: 'AzureSignTool sign -kvu x {file}' }, true, 'C:\\a b\\R.exe')).toEqual({ kind: 'command', command: 'AzureSignTool sign -kvu x "C:\\a b\\R.exe"' });
    expect(() => planSign({ RINGDESK_SIGN_COMMAND: 'signtool sign' }, false, 'x.exe')).toThrow(/\{file\}/);
  });

  it('builds DMG and zip for x64 and arm64 on macOS, hardened and notarized from the environment', () => {
    expect(targets(config.mac?.target)).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.notarize).toBe(true);
    expect(config.mac?.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac?.entitlementsInherit).toBe('build/entitlements.mac.plist');
  });

  it('grants camera, microphone and JIT in the entitlements', () => {
    const plist = read('build/entitlements.mac.plist');
    for (const key of ['com.apple.security.cs.allow-jit', 'com.apple.security.cs.allow-unsigned-executable-memory', 'com.apple.security.device.camera', 'com.apple.security.device.audio-input']) {
      expect(plist).toMatch(new RegExp(`<key>${key.replaceAll('.', '\\.')}</key>\\s*<true/>`));
    }
  });

  it('explains camera and microphone use in English and Chinese', () => {
    expect(config.mac?.extendInfo).toMatchObject({ NSCameraUsageDescription: expect.stringMatching(/camera/), NSMicrophoneUsageDescription: expect.stringMatching(/microphone/) });
    const resources = JSON.stringify(config.mac?.extraResources);
    for (const lang of ['en', 'zh_CN']) {
      expect(resources).toContain(`build/mac/${lang}.lproj`);
      const strings = read(`build/mac/${lang}.lproj/InfoPlist.strings`);
      expect(strings).toMatch(/^"NSCameraUsageDescription" = ".+";$/m);
      expect(strings).toMatch(/^"NSMicrophoneUsageDescription" = ".+";$/m);
    }
    expect(read('build/mac/zh_CN.lproj/InfoPlist.strings')).toMatch(/摄像头[\s\S]*麦克风/);
  });

  it('registers ringdesk:// with the OS', () => {
    const protocols = [config.protocols ?? []].flat();
    expect(protocols.flatMap((p) => p.schemes)).toEqual(['ringdesk']);
  });

  it('ships only the built app and package.json, never sources, maps, tests or the server', () => {
    // getConfig folds the list into [{ filter: [...] }].
    const files = [config.files ?? []].flat().flatMap((f) => (typeof f === 'string' ? [f] : [f.filter ?? []].flat()));
    expect(files.filter((f) => !f.startsWith('!'))).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    for (const exclusion of ['!**/*.map', '!**/node_modules/mediasoup/**', '!**/{test,tests,__tests__,spec,__mocks__}/**']) expect(files).toContain(exclusion);
    expect(files.some((f) => /^!?(server|src|test|tools|scripts)\b/.test(f))).toBe(false);
  });

  it('writes a generic update feed for electron-updater (URL set at build time, placeholder otherwise)', () => {
    const publish = [config.publish].flat()[0];
    expect(publish).toMatchObject({ provider: 'generic', url: expect.stringMatching(/^https:\/\//) });
  });

  it('has the icon every platform needs, made by scripts/gen-icons.ts', () => {
    expect(readFileSync(join(ROOT, 'build/icon.ico')).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(readFileSync(join(ROOT, 'build/icon.icns')).toString('latin1', 0, 4)).toBe('icns');
    for (const n of [16, 32, 256, 512, 1024]) expect(existsSync(join(ROOT, `build/icons/${n}x${n}.png`))).toBe(true);
  });
});

describe('update signatures on Windows (build/release-config.mjs)', () => {
  const PUBLISHER = 'CN=Example Corp, O=Example Corp, L=Oslo, C=NO';

  it('the dist scripts and the release workflow build with the release configuration', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['dist:win']).toContain('--config build/release-config.mjs');
    expect(scripts['dist:mac']).toContain('--config build/release-config.mjs');
    expect(read('.github/workflows/release.yml')).toContain('--config build/release-config.mjs');
  });

  it('electron-builder loads it, and without release variables it is electron-builder.yml unchanged', async () => {
    const loaded = await getConfig(ROOT, 'build/release-config.mjs', null);
    await expect(validateConfiguration(loaded, quietLogger)).resolves.toBeUndefined();
    const { RINGDESK_WIN_PUBLISHER_NAME: _p, RINGDESK_SIGN_COMMAND: _s, ...env } = process.env;
    expect(releaseConfig(config, env)).toEqual(config);
  });

  it('RINGDESK_WIN_PUBLISHER_NAME becomes the publisher list electron-builder writes to app-update.yml', async () => {
    const c = releaseConfig(config, { RINGDESK_WIN_PUBLISHER_NAME: `${PUBLISHER}\nCN=Example Corp Old\n` });
    await expect(validateConfiguration(c, quietLogger)).resolves.toBeUndefined();
    expect(c.win?.signtoolOptions?.publisherName).toEqual([PUBLISHER, 'CN=Example Corp Old']);
    expect(c.win?.verifyUpdateCodeSignature).toBe(true);
    // What electron-builder itself computes from it (PublishManager copies this into app-update.yml).
    const manager = new WindowsSignToolManager({ platformSpecificBuildOptions: c.win } as unknown as ConstructorParameters<typeof WindowsSignToolManager>[0]); // only the options are read
    await expect(manager.computedPublisherName.value).resolves.toEqual([PUBLISHER, 'CN=Example Corp Old']);
  });

  it('cloud signing without a publisher name refuses to build (the updater would skip the check)', () => {
    expect(() => releaseConfig(config, { RINGDESK_SIGN_COMMAND: 'AzureSignTool sign {file}' })).toThrow(/RINGDESK_WIN_PUBLISHER_NAME/);
    expect(() => releaseConfig(config, { RINGDESK_SIGN_COMMAND: 'AzureSignTool sign {file}', RINGDESK_WIN_PUBLISHER_NAME: PUBLISHER })).not.toThrow();
  });

  it('the publisher check is never switched off in the file', () => {
    expect(config.win?.verifyUpdateCodeSignature).not.toBe(false);
    expect(allKeys(config)).not.toContain('publisherName'); // it comes from the environment, per organisation
  });
});
