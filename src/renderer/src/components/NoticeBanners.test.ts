import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const codes = (): string[] => [...document.querySelectorAll('[data-testid="notice"]')].map((e) => e.getAttribute('data-code') ?? '');

describe('notices', () => {
  it('shows the snapshot notices and pushed ones, each dismissible', async () => {
    const fake = new FakeBridge({ snapshot: makeSnapshot({ notices: [{ code: 'settingsReset', params: { why: 'invalid JSON', aside: '/x/settings.corrupt-1.json' }, at: 1 }] }) });
    m = await mountApp({ fake });
    expect(codes()).toEqual(['settingsReset']);
    expect(m.text('notice')).toContain('Your settings could not be read and were reset.');
    expect(m.text('notice')).toContain('Your settings file could not be read (invalid JSON); defaults are in use. The old file was kept as /x/settings.corrupt-1.json.');
    m.fake.emit('notice', { code: 'shortcutsTaken', params: { keys: 'CommandOrControl+Shift+A' }, at: 2 });
    m.fake.emit('notice', { code: 'shortcutsTaken', params: { keys: 'CommandOrControl+Shift+A' }, at: 2 });
    await settle();
    expect(codes()).toEqual(['settingsReset', 'shortcutsTaken']);
    expect(document.querySelector('[data-code="shortcutsTaken"]')?.textContent).toContain('Another app already uses CommandOrControl+Shift+A. Pick other keys in Settings.');
    const first = document.querySelector<HTMLElement>('[data-code="settingsReset"] [data-testid="notice-dismiss"]');
    expect(first?.getAttribute('aria-label')).toBe('Dismiss');
    click(first as HTMLElement); // found just above
    await settle();
    expect(codes()).toEqual(['shortcutsTaken']);
  });

  it('words the detail in the UI language from the code and params, and shows none where the code says it all', async () => {
    const fake = new FakeBridge({
      snapshot: makeSnapshot({ osLocale: 'zh-CN', notices: [{ code: 'shortcutsTaken', params: { keys: 'Ctrl+Shift+A' }, at: 1 }, { code: 'sessionRevoked', params: {}, at: 2 }] }),
    });
    m = await mountApp({ fake });
    const shortcut = document.querySelector('[data-code="shortcutsTaken"]')?.textContent ?? '';
    expect(shortcut).toContain('Ctrl+Shift+A 已被其他应用占用。');
    expect(shortcut).not.toMatch(/Another app/);
    expect(document.querySelectorAll('[data-code="sessionRevoked"] .muted')).toHaveLength(0);
  });
});
