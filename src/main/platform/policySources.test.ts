import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../policy/Policy.ts';
import { parseRegQuery, readPolicySources, type Exec, type ExecResult, type ReadText } from './policySources.ts';

// What `reg query` prints on Windows 11 (CRLF, 4-space columns), copied from a real machine.
const REG_OUT = [
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Ringdesk',
  '    ServerUrl    REG_SZ    wss://calls.example.com/ws',
  '    ServerUrlLocked    REG_DWORD    0x1',
  '    AutoUpdate    REG_DWORD    0x0',
  '    UpdateFeedUrl    REG_EXPAND_SZ    https://updates.example.com/ringdesk/',
  '    Some Name    REG_MULTI_SZ    a\\0b',
  '    Empty    REG_SZ    ',
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Ringdesk\\Sub',
  '',
].join('\r\n');
const NOT_FOUND: ExecResult = { code: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' };

function fakeExec(answers: Record<string, ExecResult>): Exec & { calls: string[] } {
  const calls: string[] = [];
  const fn = (file: string, args: readonly string[]): Promise<ExecResult> => {
    const cmd = [file, ...args].join(' ');
    calls.push(cmd);
    return Promise.resolve(answers[cmd] ?? { code: 127, stdout: '', stderr: `unexpected ${cmd}` });
  };
  return Object.assign(fn, { calls });
}
const files = (map: Record<string, string>): ReadText => (p) => Promise.resolve(map[p] ?? null);
const base = { appId: 'com.ringdesk.app', execPath: '/opt/Ringdesk/ringdesk', env: {}, userName: 'bob' };

describe('parseRegQuery', () => {
  it('reads names, DWORDs, strings and multi-strings, and skips subkeys', () => {
    expect(parseRegQuery(REG_OUT)).toEqual({
      ServerUrl: 'wss://calls.example.com/ws',
      ServerUrlLocked: 1,
      AutoUpdate: 0,
      UpdateFeedUrl: 'https://updates.example.com/ringdesk/',
      'Some Name': ['a', 'b'],
      Empty: '',
    });
  });
});

describe('readPolicySources', () => {
  it('Windows: HKLM before HKCU, an absent key is no source, then the JSON beside the exe', async () => {
    const exec = fakeExec({
      'reg.exe query HKLM\\Software\\Policies\\Ringdesk': { code: 0, stdout: REG_OUT, stderr: '' },
      'reg.exe query HKCU\\Software\\Policies\\Ringdesk': NOT_FOUND,
    });
    const r = await readPolicySources({ ...base, platform: 'win32', execPath: 'C:\\Ringdesk\\Ringdesk.exe', exec, readText: files({ 'C:\\Ringdesk\\ringdesk-policy.json': '{"DefaultLanguage":"en"}' }) });
    expect(r.map((s) => s.name)).toEqual(['HKLM\\Software\\Policies\\Ringdesk', 'C:\\Ringdesk\\ringdesk-policy.json']);
    const resolved = resolvePolicy(r);
    expect(resolved.policy).toMatchObject({ serverUrl: { url: 'wss://calls.example.com/ws', locked: true }, autoUpdate: false, defaultLanguage: 'en' });
    expect(resolved.warnings.map((w) => w.key)).toEqual(['Some Name', 'Empty']);
  });

  it('Windows: a registry that cannot be read is a warning, not a crash', async () => {
    const exec = fakeExec({
      'reg.exe query HKLM\\Software\\Policies\\Ringdesk': { code: 1, stdout: '', stderr: 'ERROR: Access is denied.' },
      'reg.exe query HKCU\\Software\\Policies\\Ringdesk': { code: -1, stdout: '', stderr: 'spawn reg.exe ENOENT' },
    });
    const r = await readPolicySources({ ...base, platform: 'win32', exec, readText: files({}) });
    expect(r).toEqual([
      { name: 'HKLM\\Software\\Policies\\Ringdesk', error: 'ERROR: Access is denied.' },
      { name: 'HKCU\\Software\\Policies\\Ringdesk', error: 'spawn reg.exe ENOENT' },
    ]);
  });

  it('macOS: machine then user managed preferences through plutil; absent plists are skipped', async () => {
    const machine = '/Library/Managed Preferences/com.ringdesk.app.plist';
    const exec = fakeExec({ [`/usr/bin/plutil -convert json -o - ${machine}`]: { code: 0, stdout: '{"DisableVideo":true,"StartAtLogin":false}', stderr: '' } });
    const r = await readPolicySources({ ...base, platform: 'darwin', exec, readText: files({ [machine]: 'bplist00…' }) });
    expect(r).toEqual([{ name: machine, values: { DisableVideo: true, StartAtLogin: false } }]);
    expect(exec.calls).toEqual([`/usr/bin/plutil -convert json -o - ${machine}`]);
  });

  it('macOS: a plist plutil cannot convert is reported', async () => {
    const user = '/Library/Managed Preferences/bob/com.ringdesk.app.plist';
    const exec = fakeExec({ [`/usr/bin/plutil -convert json -o - ${user}`]: { code: 1, stdout: '', stderr: 'invalid object in plist for destination format' } });
    const r = await readPolicySources({ ...base, platform: 'darwin', exec, readText: files({ [user]: 'x' }) });
    expect(r).toEqual([{ name: user, error: 'invalid object in plist for destination format' }]);
  });

  it('any OS: RINGDESK_POLICY_FILE comes before the file beside the executable; a missing or broken file is reported', async () => {
    const exec = fakeExec({});
    const beside = '/opt/Ringdesk/ringdesk-policy.json';
    const ok = await readPolicySources({ ...base, platform: 'linux', exec, env: { RINGDESK_POLICY_FILE: '/etc/ringdesk.json' }, readText: files({ '/etc/ringdesk.json': '{"AutoUpdate":false}', [beside]: '{ nope' }) });
    expect(ok[0]).toEqual({ name: '/etc/ringdesk.json', values: { AutoUpdate: false } });
    expect(ok[1]).toMatchObject({ name: beside, error: expect.stringMatching(/not valid JSON/) });
    const missing = await readPolicySources({ ...base, platform: 'linux', exec, env: { RINGDESK_POLICY_FILE: '/nope.json' }, readText: files({}) });
    expect(missing).toEqual([{ name: '/nope.json', error: 'RINGDESK_POLICY_FILE names this file, but it does not exist' }]);
    expect(exec.calls).toEqual([]);
  });

  describe('with real files', () => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a real file, ignores a missing one, and refuses one too big to be a policy', async () => {
      dir = mkdtempSync(join(tmpdir(), 'ringdesk-policy-'));
      writeFileSync(join(dir, 'ringdesk-policy.json'), JSON.stringify({ DisableScreenShare: true }));
      const r = await readPolicySources({ ...base, platform: 'linux', execPath: join(dir, 'ringdesk'), env: {} });
      expect(r).toEqual([{ name: join(dir, 'ringdesk-policy.json'), values: { DisableScreenShare: true } }]);
      writeFileSync(join(dir, 'big.json'), ' '.repeat(70_000));
      const big = await readPolicySources({ ...base, platform: 'linux', execPath: join(dir, 'none', 'ringdesk'), env: { RINGDESK_POLICY_FILE: join(dir, 'big.json') } });
      expect(big).toEqual([{ name: join(dir, 'big.json'), error: expect.stringMatching(/at most 65536/) }]);
    });
  });
});
