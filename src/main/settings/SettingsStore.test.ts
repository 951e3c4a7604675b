import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SettingsSchema, type Settings } from '../../shared/ipc/model.ts';
import { Logger } from '../log/Logger.ts';
import { SettingsStore } from './SettingsStore.ts';

const DEFAULTS: Settings = {
  serverUrl: '',
  lastUserId: '',
  deviceName: '',
  ringtone: 'classic',
  ringtoneVolume: 0.8,
  startAtLogin: true,
  language: 'system',
  dndFollowsOs: true,
  shortcuts: { enabled: false, answer: 'CommandOrControl+Shift+A', decline: 'CommandOrControl+Shift+D', toggleMute: 'CommandOrControl+Shift+M' },
  media: { microphoneId: null, cameraId: null, speakerId: null },
  prewarmMedia: true,
  missedSeenAt: 0,
  dndOsForced: false,
};
const NOW = 1_700_000_000_123;

let dir: string;
const file = () => join(dir, 'settings.json');
const onDisk = (): unknown => JSON.parse(readFileSync(file(), 'utf8'));

beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringdesk-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore: loading', () => {
  it('uses the defaults when there is no file, and reports nothing', () => {
    const s = new SettingsStore(dir);
    expect(s.get()).toEqual(DEFAULTS);
    expect(SettingsSchema.parse({})).toEqual(DEFAULTS);
    expect(s.problem).toBeNull();
    expect(existsSync(file())).toBe(false);
  });

  it('fills missing fields with defaults and keeps the given ones', () => {
    writeFileSync(file(), JSON.stringify({ ringtone: 'chime', shortcuts: { enabled: true } }));
    const s = new SettingsStore(dir);
    expect(s.get()).toEqual({ ...DEFAULTS, ringtone: 'chime', shortcuts: { ...DEFAULTS.shortcuts, enabled: true } });
    expect(s.problem).toBeNull();
  });

  it('drops fields the schema does not know, and they are not written back', () => {
    writeFileSync(file(), JSON.stringify({ ringtoneVolume: 0.3, theme: 'dark', legacy: { a: 1 } }));
    const s = new SettingsStore(dir);
    expect(s.get()).toEqual({ ...DEFAULTS, ringtoneVolume: 0.3 });
    expect(s.get()).not.toHaveProperty('theme');
    s.update({ language: 'en' });
    expect(onDisk()).not.toHaveProperty('theme');
    expect(onDisk()).not.toHaveProperty('legacy');
  });

  it.each<[string, string, RegExp]>([
    ['invalid JSON', '{"ringtone": "chime",', /^invalid JSON$/],
    ['an empty file', '', /^invalid JSON$/],
    ['a schema failure', JSON.stringify({ ringtone: 'trumpet' }), /ringtone: /],
    ['a volume out of range', JSON.stringify({ ringtoneVolume: 3 }), /ringtoneVolume: /],
    ['a bad nested shortcut', JSON.stringify({ shortcuts: { answer: 'A' } }), /shortcuts\.answer: /],
    ['JSON that is not an object', '[1,2]', /\(root\): /],
  ])('moves a file with %s aside and starts from defaults', (_name, content, reason) => {
    writeFileSync(file(), content);
    const s = new SettingsStore(dir, () => NOW);
    const aside = join(dir, `settings.corrupt-${NOW}.json`);
    expect(readFileSync(aside, 'utf8')).toBe(content);
    expect(s.get()).toEqual(DEFAULTS);
    expect(onDisk()).toEqual(DEFAULTS);
    expect(s.problem?.code).toBe('settingsReset');
    expect(s.problem?.at).toBe(NOW);
    expect(String(s.problem?.params['why'])).toMatch(reason);
    expect(s.problem?.params['aside']).toBe(aside);
    expect(readdirSync(dir).toSorted()).toEqual([`settings.corrupt-${NOW}.json`, 'settings.json']);
  });

  it('a reset file loads cleanly the next time', () => {
    writeFileSync(file(), 'garbage');
    new SettingsStore(dir, () => NOW);
    const again = new SettingsStore(dir, () => NOW + 1);
    expect(again.problem).toBeNull();
    expect(again.get()).toEqual(DEFAULTS);
  });
});

describe('SettingsStore: update', () => {
  it('round-trips through the file', () => {
    const s = new SettingsStore(dir);
    s.update({ ringtone: 'pulse', ringtoneVolume: 0.25, media: { microphoneId: 'mic-1', cameraId: null, speakerId: null } });
    s.update({ serverUrl: 'wss://ring.example', lastUserId: 'bob', missedSeenAt: 42, dndOsForced: true });
    const reloaded = new SettingsStore(dir);
    expect(reloaded.get()).toEqual(s.get());
    expect(reloaded.get()).toMatchObject({ ringtone: 'pulse', ringtoneVolume: 0.25, serverUrl: 'wss://ring.example', missedSeenAt: 42, dndOsForced: true });
    expect(reloaded.get().media.microphoneId).toBe('mic-1');
  });

  it('emits changed with the new settings and returns them', () => {
    const s = new SettingsStore(dir);
    const seen: Settings[] = [];
    s.on('changed', (v) => seen.push(v));
    const result = s.update({ language: 'zh-CN' });
    expect(result.language).toBe('zh-CN');
    expect(seen).toEqual([result]);
    expect(s.get()).toBe(result);
  });

  it('replaces nested objects whole and re-applies their defaults', () => {
    const s = new SettingsStore(dir);
    s.update({ shortcuts: { ...DEFAULTS.shortcuts, enabled: true, answer: 'Alt+A' } });
    // A partial nested object: the missing keys go back to their defaults.
    s.update({ shortcuts: { enabled: true } as Settings['shortcuts'] }); // as: testing the parse, not the type
    expect(s.get().shortcuts).toEqual({ ...DEFAULTS.shortcuts, enabled: true });
  });

  it('persists atomically: the file is complete JSON and no .tmp is left', () => {
    const s = new SettingsStore(dir);
    for (let i = 0; i < 5; i++) s.update({ ringtoneVolume: i / 10 });
    expect(onDisk()).toEqual({ ...DEFAULTS, ringtoneVolume: 0.4 });
    expect(readdirSync(dir)).toEqual(['settings.json']);
    expect(readFileSync(file(), 'utf8').endsWith('}\n')).toBe(true);
  });

  it('refuses a value the schema forbids and keeps the old settings', () => {
    const s = new SettingsStore(dir);
    s.update({ ringtone: 'chime' });
    const seen: Settings[] = [];
    s.on('changed', (v) => seen.push(v));
    expect(() => s.update({ ringtoneVolume: 7 })).toThrow();
    expect(s.get().ringtoneVolume).toBe(0.8);
    expect(onDisk()).toMatchObject({ ringtone: 'chime', ringtoneVolume: 0.8 });
    expect(seen).toEqual([]);
  });

  it('creates the profile folder when it is missing', () => {
    const nested = join(dir, 'profile', 'Ringdesk');
    const s = new SettingsStore(nested);
    s.update({ deviceName: 'Desk' });
    expect(JSON.parse(readFileSync(join(nested, 'settings.json'), 'utf8'))).toMatchObject({ deviceName: 'Desk' });
  });
});
