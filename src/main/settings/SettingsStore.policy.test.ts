import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/ipc/model.ts';
import { applyPolicy } from '../policy/applyPolicy.ts';
import { EMPTY_POLICY } from '../policy/Policy.ts';
import { SettingsStore } from './SettingsStore.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringdesk-settings-policy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore with an IT policy overlay', () => {
  const policy = { ...EMPTY_POLICY, serverUrl: { url: 'wss://corp/ws', locked: true }, startAtLogin: true };

  it('reads through the policy, but writes only the user’s own values to the file', () => {
    const store = new SettingsStore(dir);
    store.update({ serverUrl: 'wss://mine/ws', startAtLogin: false });
    store.setOverlay((s) => applyPolicy(s, policy));
    expect(store.get()).toMatchObject({ serverUrl: 'wss://corp/ws', startAtLogin: true });
    const emitted: Settings[] = [];
    store.on('changed', (s) => emitted.push(s));
    expect(store.update({ ringtone: 'chime' })).toMatchObject({ serverUrl: 'wss://corp/ws', ringtone: 'chime' });
    expect(emitted[0]).toMatchObject({ serverUrl: 'wss://corp/ws', startAtLogin: true });
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Settings; // what we just wrote
    expect(file).toMatchObject({ serverUrl: 'wss://mine/ws', startAtLogin: false, ringtone: 'chime' });
  });

  it('gives the user’s choice back when the policy goes away', () => {
    const store = new SettingsStore(dir);
    store.update({ startAtLogin: false });
    store.setOverlay((s) => applyPolicy(s, policy));
    expect(new SettingsStore(dir).get().startAtLogin).toBe(false);
  });
});
