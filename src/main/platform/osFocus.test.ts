import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Logger } from '../log/Logger.ts';
import { FOCUS_POLL_MS, OsFocusPort, parseGsettingsBool, parseMacAssertions, parseRegDword, windowsAppToastsEnabled } from './osFocus.ts';
import type { OsFocus } from './ports.ts';

beforeAll(() => Logger.configure({ stderr: false }));
afterEach(() => vi.useRealTimers());

// Shapes as macOS 13/14 write them (trimmed).
const MAC_ON = JSON.stringify({
  data: [
    {
      storeAssertionRecords: [
        {
          assertionUUID: 'A1B2',
          assertionStartDateTimestamp: 722_000_000.5,
          assertionDetails: { assertionDetailsModeIdentifier: 'com.apple.donotdisturb.mode.default', assertionDetailsReason: 'user-action' },
        },
      ],
      header: { timestamp: 722_000_000.5 },
    },
  ],
  header: { version: 3 },
});
const MAC_OFF = JSON.stringify({ data: [{ header: { timestamp: 722_000_100 } }], header: { version: 3 } });
const MAC_EMPTY_RECORDS = JSON.stringify({ data: [{ storeAssertionRecords: [] }] });

const REG_OFF = `\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Notifications\\Settings\r\n    NOC_GLOBAL_SETTING_TOASTS_ENABLED    REG_DWORD    0x0\r\n\r\n`;
const REG_ON = REG_OFF.replace('0x0', '0x1');

describe('parseMacAssertions', () => {
  it('is on when a store holds assertion records', () => {
    expect(parseMacAssertions(MAC_ON)).toBe(true);
  });
  it('is off with no records, an empty list, or a file it cannot read', () => {
    expect(parseMacAssertions(MAC_OFF)).toBe(false);
    expect(parseMacAssertions(MAC_EMPTY_RECORDS)).toBe(false);
    expect(parseMacAssertions('')).toBe(false);
    expect(parseMacAssertions('{"data": 3}')).toBe(false);
    expect(parseMacAssertions('[1,2]')).toBe(false);
  });
});

describe('parseRegDword', () => {
  it('reads the DWORD of the named value, case-insensitively', () => {
    expect(parseRegDword(REG_OFF, 'NOC_GLOBAL_SETTING_TOASTS_ENABLED')).toBe(0);
    expect(parseRegDword(REG_ON, 'noc_global_setting_toasts_enabled')).toBe(1);
    expect(parseRegDword('    Enabled    REG_DWORD    0x1f\n', 'Enabled')).toBe(31);
  });
  it('is null when the value is absent or not a DWORD', () => {
    expect(parseRegDword('', 'Enabled')).toBeNull();
    expect(parseRegDword(REG_OFF, 'Enabled')).toBeNull();
    expect(parseRegDword('    Enabled    REG_SZ    0x0\n', 'Enabled')).toBeNull();
  });
});

describe('parseGsettingsBool', () => {
  it('reads true/false and nothing else', () => {
    expect(parseGsettingsBool('false\n')).toBe(false);
    expect(parseGsettingsBool('true')).toBe(true);
    expect(parseGsettingsBool("No such schema 'org.gnome.desktop.notifications'")).toBeNull();
  });
});

describe('windowsAppToastsEnabled', () => {
  it('queries our AppUserModelID key and reads Enabled', async () => {
    const asked: string[][] = [];
    const run = (cmd: string, args: string[]) => {
      asked.push([cmd, ...args]);
      return Promise.resolve('    Enabled    REG_DWORD    0x0\r\n');
    };
    expect(await windowsAppToastsEnabled('com.ringdesk.app', run)).toBe(false);
    expect(asked).toEqual([['reg', 'query', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Notifications\\Settings\\com.ringdesk.app', '/v', 'Enabled']]);
    expect(await windowsAppToastsEnabled('x', () => Promise.resolve(''))).toBeNull();
    expect(await windowsAppToastsEnabled('x', () => Promise.resolve('    Enabled    REG_DWORD    0x1\n'))).toBe(true);
  });
});

describe('OsFocusPort', () => {
  it('reads macOS Focus from Assertions.json; a missing file is off', async () => {
    const files: string[] = [];
    const on = new OsFocusPort({ platform: 'darwin', readText: (p) => (files.push(p), Promise.resolve(MAC_ON)) });
    expect(await on.read()).toEqual({ active: true, source: 'macFocus' });
    expect(files[0]?.replace(/\\/g, '/')).toMatch(/Library\/DoNotDisturb\/DB\/Assertions\.json$/);
    const missing = new OsFocusPort({ platform: 'darwin', readText: () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOENT' })) });
    expect(await missing.read()).toEqual({ active: false, source: null });
  });

  it('reads Windows notifications-off as focusAssist', async () => {
    const off = new OsFocusPort({ platform: 'win32', run: () => Promise.resolve(REG_OFF) });
    const on = new OsFocusPort({ platform: 'win32', run: () => Promise.resolve(REG_ON) });
    expect(await off.read()).toEqual({ active: true, source: 'focusAssist' });
    expect(await on.read()).toEqual({ active: false, source: null });
  });

  it('reads GNOME Do Not Disturb; other systems are off', async () => {
    expect(await new OsFocusPort({ platform: 'linux', run: () => Promise.resolve('false\n') }).read()).toEqual({ active: true, source: 'quietHours' });
    expect(await new OsFocusPort({ platform: 'linux', run: () => Promise.resolve('') }).read()).toEqual({ active: false, source: null });
    expect(await new OsFocusPort({ platform: 'freebsd' }).read()).toEqual({ active: false, source: null });
  });

  it('polls every 30 s and fires only on a change; stops when the last listener leaves', async () => {
    vi.useFakeTimers();
    let reg = REG_ON;
    const port = new OsFocusPort({ platform: 'win32', run: () => Promise.resolve(reg) });
    expect((await port.read()).active).toBe(false);
    const seen: OsFocus[] = [];
    const off = port.onChange((f) => seen.push(f));
    await vi.advanceTimersByTimeAsync(FOCUS_POLL_MS);
    expect(seen).toEqual([]);
    reg = REG_OFF;
    await vi.advanceTimersByTimeAsync(FOCUS_POLL_MS - 1);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([{ active: true, source: 'focusAssist' }]);
    await vi.advanceTimersByTimeAsync(FOCUS_POLL_MS * 3);
    expect(seen).toHaveLength(1);
    reg = REG_ON;
    await vi.advanceTimersByTimeAsync(FOCUS_POLL_MS);
    expect(seen.at(-1)).toEqual({ active: false, source: null });
    off();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without a first read, a poll that finds Focus on fires', async () => {
    vi.useFakeTimers();
    const port = new OsFocusPort({ platform: 'win32', run: () => Promise.resolve(REG_OFF), pollMs: 1000 });
    const seen: OsFocus[] = [];
    port.onChange((f) => seen.push(f));
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual([{ active: true, source: 'focusAssist' }]);
    port.dispose();
  });
});
