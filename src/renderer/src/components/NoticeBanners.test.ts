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
    const fake = new FakeBridge({ snapshot: makeSnapshot({ notices: [{ code: 'settingsReset', detail: 'settings.json was not valid JSON', at: 1 }] }) });
    m = await mountApp({ fake });
    expect(codes()).toEqual(['settingsReset']);
    expect(m.text('notice')).toContain('Your settings could not be read and were reset.');
    expect(m.text('notice')).toContain('settings.json was not valid JSON');
    m.fake.emit('notice', { code: 'shortcutsTaken', detail: 'Another app already uses CommandOrControl+Shift+A.', at: 2 });
    m.fake.emit('notice', { code: 'shortcutsTaken', detail: 'Another app already uses CommandOrControl+Shift+A.', at: 2 });
    await settle();
    expect(codes()).toEqual(['settingsReset', 'shortcutsTaken']);
    const first = document.querySelector<HTMLElement>('[data-code="settingsReset"] [data-testid="notice-dismiss"]');
    expect(first?.getAttribute('aria-label')).toBe('Dismiss');
    click(first as HTMLElement); // found just above
    await settle();
    expect(codes()).toEqual(['shortcutsTaken']);
  });
});
