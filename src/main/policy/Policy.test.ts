import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../shared/ipc/model.ts';
import { applyPolicy, checkMedia, checkPatch, checkServerUrl, lockedSettings, policyInfo } from './applyPolicy.ts';
import { EMPTY_POLICY, resolvePolicy } from './Policy.ts';

const HKLM = 'HKLM\\Software\\Policies\\Ringdesk';
const HKCU = 'HKCU\\Software\\Policies\\Ringdesk';
const FILE = '/opt/Ringdesk/ringdesk-policy.json';
const defaults = SettingsSchema.parse({});

describe('resolvePolicy', () => {
  it('is empty with no sources, and empty sources', () => {
    expect(resolvePolicy([])).toEqual({ policy: EMPTY_POLICY, sources: [], warnings: [] });
    expect(resolvePolicy([{ name: HKLM, values: {} }]).policy).toEqual(EMPTY_POLICY);
  });

  it('reads every key in the types each source writes (registry DWORD and string, plist and JSON booleans)', () => {
    const r = resolvePolicy([
      {
        name: HKLM,
        values: { ServerUrl: 'wss://calls.example.com/ws', ServerUrlLocked: 1, AutoUpdate: 0, UpdateFeedUrl: 'https://updates.example.com/ringdesk/', StartAtLogin: 'true', DefaultLanguage: 'zh-CN', DisableVideo: true, DisableScreenShare: 'yes', AllowInsecureServer: 1 },
      },
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.sources).toEqual([HKLM]);
    expect(r.policy).toEqual({
      serverUrl: { url: 'wss://calls.example.com/ws', locked: true },
      autoUpdate: false,
      updateFeedUrl: 'https://updates.example.com/ringdesk/',
      startAtLogin: true,
      defaultLanguage: 'zh-CN',
      features: { video: false, screenShare: false },
      allowInsecureServer: true,
    });
  });

  it('matches key names without regard to case, as the registry does', () => {
    expect(resolvePolicy([{ name: HKLM, values: { serverurl: 'ws://10.0.0.5:8787/ws', AUTOUPDATE: 1 } }]).policy).toMatchObject({ serverUrl: { url: 'ws://10.0.0.5:8787/ws', locked: false }, autoUpdate: true });
  });

  it('takes each key from the highest source that has it: machine over user over file', () => {
    const r = resolvePolicy([
      { name: HKLM, values: { AutoUpdate: 0 } },
      { name: HKCU, values: { AutoUpdate: 1, DefaultLanguage: 'en' } },
      { name: FILE, values: { DefaultLanguage: 'zh-CN', StartAtLogin: false } },
    ]);
    expect(r.policy).toMatchObject({ autoUpdate: false, defaultLanguage: 'en', startAtLogin: false });
    expect(r.sources).toEqual([HKLM, HKCU, FILE]);
  });

  it('ignores an invalid value with a warning, and lets a lower source supply a valid one', () => {
    const r = resolvePolicy([
      { name: HKLM, values: { ServerUrl: 'http://not-a-websocket', AutoUpdate: 'maybe', UpdateFeedUrl: 'http://plain-http/feed' } },
      { name: FILE, values: { ServerUrl: 'wss://ok.example.com/ws' } },
    ]);
    expect(r.policy.serverUrl).toEqual({ url: 'wss://ok.example.com/ws', locked: false });
    expect(r.policy.autoUpdate).toBeNull();
    expect(r.policy.updateFeedUrl).toBeNull();
    expect(r.warnings.map((w) => [w.source, w.key])).toEqual([
      [HKLM, 'ServerUrl'],
      [HKLM, 'AutoUpdate'],
      [HKLM, 'UpdateFeedUrl'],
    ]);
    expect(r.warnings[0]).toMatchObject({ code: 'invalidValue', params: { value: '"http://not-a-websocket"', why: 'must be a ws:// or wss:// URL' } });
    expect(r.warnings[2]).toMatchObject({ code: 'invalidValue', params: { why: 'must be an https:// URL' } });
  });

  it('warns about unknown keys, unreadable sources and sources that are not objects, and goes on', () => {
    const r = resolvePolicy([
      { name: HKLM, error: 'access denied' },
      { name: HKCU, values: { ServerURLx: 'wss://x/ws', DisableVideo: 1 } },
      { name: FILE, values: ['not', 'an', 'object'] },
    ]);
    expect(r.policy.features.video).toBe(false);
    expect(r.warnings).toEqual([
      { source: HKLM, key: null, code: 'unreadable', params: { error: 'access denied' } },
      { source: HKCU, key: 'ServerURLx', code: 'unknownKey', params: { known: expect.stringContaining('ServerUrl') } },
      { source: FILE, key: null, code: 'notObject', params: {} },
    ]);
  });

  it('refuses absurdly long strings and out-of-range numbers', () => {
    const r = resolvePolicy([{ name: FILE, values: { ServerUrl: `wss://${'a'.repeat(5000)}`, StartAtLogin: 2, DefaultLanguage: 'fr' } }]);
    expect(r.policy).toEqual(EMPTY_POLICY);
    expect(r.warnings.map((w) => w.key)).toEqual(['ServerUrl', 'StartAtLogin', 'DefaultLanguage']);
  });

  it('warns when ServerUrlLocked has nothing to lock', () => {
    const r = resolvePolicy([{ name: HKLM, values: { ServerUrlLocked: 1 } }]);
    expect(r.policy.serverUrl).toBeNull();
    expect(r.warnings).toEqual([{ source: 'policy', key: 'ServerUrlLocked', code: 'lockWithoutServer', params: {} }]);
  });
});

describe('applyPolicy: managed policy > user settings > defaults', () => {
  const user = { ...defaults, serverUrl: 'wss://mine.example.com/ws', startAtLogin: false, language: 'system' as const };

  it('changes nothing without a policy', () => {
    expect(applyPolicy(user, EMPTY_POLICY)).toBe(user);
    expect(lockedSettings(EMPTY_POLICY)).toEqual([]);
  });

  it('forces a locked server URL over the user’s, and offers an unlocked one only as a default', () => {
    const locked = { ...EMPTY_POLICY, serverUrl: { url: 'wss://corp/ws', locked: true } };
    const unlocked = { ...EMPTY_POLICY, serverUrl: { url: 'wss://corp/ws', locked: false } };
    expect(applyPolicy(user, locked).serverUrl).toBe('wss://corp/ws');
    expect(applyPolicy(user, unlocked).serverUrl).toBe('wss://mine.example.com/ws');
    expect(applyPolicy(defaults, unlocked).serverUrl).toBe('wss://corp/ws');
    expect(lockedSettings(locked)).toEqual(['serverUrl']);
    expect(lockedSettings(unlocked)).toEqual([]);
  });

  it('forces start at login either way, and locks it', () => {
    const on = { ...EMPTY_POLICY, startAtLogin: true };
    expect(applyPolicy(user, on).startAtLogin).toBe(true);
    expect(applyPolicy({ ...user, startAtLogin: true }, { ...EMPTY_POLICY, startAtLogin: false }).startAtLogin).toBe(false);
    expect(lockedSettings(on)).toEqual(['startAtLogin']);
  });

  it('uses the default language only while the user follows the system', () => {
    const zh = { ...EMPTY_POLICY, defaultLanguage: 'zh-CN' as const };
    expect(applyPolicy(user, zh).language).toBe('zh-CN');
    expect(applyPolicy({ ...user, language: 'en' }, zh).language).toBe('en');
  });

  it('refuses changes to locked settings, other servers and disabled video, with the forbidden code', () => {
    const p = { ...EMPTY_POLICY, startAtLogin: true, serverUrl: { url: 'wss://corp/ws', locked: true }, features: { video: false, screenShare: true } };
    expect(() => checkPatch({ startAtLogin: false }, p)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => checkPatch({ startAtLogin: true, ringtone: 'chime' }, p)).not.toThrow();
    expect(() => checkPatch({ startAtLogin: false }, EMPTY_POLICY)).not.toThrow();
    expect(() => checkServerUrl('wss://other/ws', p)).toThrow(/requires the server wss:\/\/corp\/ws/);
    expect(() => checkServerUrl('wss://corp/ws', p)).not.toThrow();
    expect(() => checkMedia('video', p)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => checkMedia('audio', p)).not.toThrow();
  });

  it('describes the policy for the UI', () => {
    const r = resolvePolicy([{ name: HKLM, values: { StartAtLogin: 1, DisableScreenShare: 1, Bogus: 1 } }]);
    expect(policyInfo(r)).toEqual({ locked: ['startAtLogin'], features: { video: true, screenShare: false }, sources: [HKLM], warnings: [expect.objectContaining({ key: 'Bogus' })] });
  });
});
