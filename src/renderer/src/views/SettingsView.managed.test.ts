import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../testing/mountApp.ts';

// Settings under IT management: locked settings, the updater's "Restart to update", policy warnings.

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const open = (fake = new FakeBridge()): Promise<Mounted> => mountApp({ fake, path: '/settings' });
const q = (mm: Mounted, id: string): HTMLElement | null => mm.get('screen-settings').querySelector(`[data-testid="${id}"]`);

describe('settings under IT management', () => {
  it('shows start at login as locked when the policy sets it, and not otherwise', async () => {
    const fake = new FakeBridge();
    fake.snapshot = { ...fake.snapshot, policy: { ...fake.snapshot.policy, locked: ['startAtLogin'], sources: ['HKLM\\Software\\Policies\\Ringdesk'] } };
    m = await open(fake);
    expect((m.get('settings-start-at-login') as HTMLInputElement).disabled).toBe(true); // an <input>
    expect(m.text('settings-locked-start-at-login')).toBe('Set by your organization');
    expect(m.text('settings-managed-by')).toContain('HKLM\\Software\\Policies\\Ringdesk');
    m.unmount();
    m = await open();
    expect((m.get('settings-start-at-login') as HTMLInputElement).disabled).toBe(false); // an <input>
    expect(q(m, 'settings-locked-start-at-login')).toBeNull();
  });

  it('lists ignored policy values under Troubleshooting', async () => {
    const fake = new FakeBridge();
    const warnings = [{ source: '/etc/ringdesk.json', key: 'ServerUrl', code: 'invalidValue' as const, params: { value: '"http://x"', why: 'must be a ws:// or wss:// URL' } }];
    fake.snapshot = { ...fake.snapshot, policy: { ...fake.snapshot.policy, warnings } };
    m = await open(fake);
    const items = m.get('settings-policy-warnings').querySelectorAll('[data-testid="policy-warning"]');
    expect(items).toHaveLength(1);
    expect(items[0]?.textContent).toContain('/etc/ringdesk.json › ServerUrl');
    expect(items[0]?.textContent).toContain('has an invalid value "http://x" (must be a ws:// or wss:// URL); ignored');
  });

  it('offers "Restart to update" once an update is ready, and says when it waits for the call', async () => {
    m = await open();
    expect(m.get('settings-updates').dataset['status']).toBe('disabled');
    // Main sends the reason as a code; the words are the renderer's.
    expect(m.text('settings-update-reason')).toBe('Updates apply to installed builds only.');
    expect(q(m, 'settings-restart-to-update')).toBeNull();
    m.fake.emit('update', { status: 'ready', version: '1.4.0', percent: null, reason: null, detail: null, waitingForCall: false });
    await settle();
    expect(m.text('settings-updates')).toContain('Version 1.4.0 is ready to install.');
    click(m.get('settings-restart-to-update'));
    await settle();
    expect(m.fake.argsOf('installUpdate')).toEqual([{}]);
    expect(m.text('settings-update-waiting')).toBe('Ringdesk will restart to update when your call ends.');
    expect(q(m, 'settings-restart-to-update')).toBeNull();
  });
});
