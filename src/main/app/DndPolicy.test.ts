import { describe, expect, it } from 'vitest';
import type { DndState } from '../../shared/ipc/model.ts';
import { asUserId, type DndStatus } from '../../shared/protocol/index.ts';
import { DndPolicy } from './DndPolicy.ts';

const OFF: DndStatus = { enabled: false, allowList: [] };
const ON: DndStatus = { enabled: true, allowList: [] };
const FOCUS_ON = { active: true, source: 'focusAssist' } as const;
const FOCUS_OFF = { active: false, source: null } as const;

function record(p: DndPolicy): DndState[] {
  const seen: DndState[] = [];
  p.on('changed', (s) => seen.push(s));
  return seen;
}

/** What DesktopCore#syncDnd does: send what is pending and report it applied. */
function sync(p: DndPolicy): DndStatus | null {
  const want = p.pendingServerUpdate();
  if (want) p.applied(want);
  return want;
}

describe('DndPolicy: effective', () => {
  const table: [app: boolean, os: boolean, followOs: boolean, effective: DndState['effective']][] = [
    [false, false, false, 'off'],
    [false, false, true, 'off'],
    [false, true, false, 'off'],
    [false, true, true, 'os'],
    [true, false, false, 'app'],
    [true, false, true, 'app'],
    [true, true, false, 'app'],
    [true, true, true, 'app'],
  ];
  it.each(table)('app %s × os %s × followOs %s → %s', (app, os, followOs, effective) => {
    const p = new DndPolicy(followOs, false);
    p.setApp({ enabled: app, allowList: [] });
    p.setOs(os ? FOCUS_ON : FOCUS_OFF);
    expect(p.state.effective).toBe(effective);
    expect(p.state).toMatchObject({ app: { enabled: app }, os: { active: os }, followOs });
  });

  it('starts off with nothing set', () => {
    expect(new DndPolicy(true, false).state).toEqual({ app: OFF, os: FOCUS_OFF, followOs: true, effective: 'off' });
  });
});

describe('DndPolicy: changed events', () => {
  it('emits the new state on every real change', () => {
    const p = new DndPolicy(false, false);
    const seen = record(p);
    p.setOs(FOCUS_ON);
    p.setFollowOs(true);
    p.setApp(ON);
    expect(seen.map((s) => s.effective)).toEqual(['off', 'os', 'app']);
    expect(seen[1]).toEqual({ app: OFF, os: FOCUS_ON, followOs: true, effective: 'os' });
  });

  it('does not emit when the OS focus or followOs is set to what it already is', () => {
    const p = new DndPolicy(true, false);
    const seen = record(p);
    p.setOs(FOCUS_OFF);
    p.setFollowOs(true);
    p.setOs(FOCUS_ON);
    p.setOs({ active: true, source: 'focusAssist' });
    expect(seen).toHaveLength(1);
    p.setOs({ active: true, source: 'quietHours' });
    expect(seen).toHaveLength(2);
    expect(seen[1]?.os.source).toBe('quietHours');
  });

  it('emits on fromServer', () => {
    const p = new DndPolicy(true, false);
    const seen = record(p);
    p.fromServer(ON);
    expect(seen).toEqual([{ app: ON, os: FOCUS_OFF, followOs: true, effective: 'app' }]);
  });
});

describe('DndPolicy: server sync', () => {
  it('asks the server for the effective DND with the user allow-list, then nothing once applied', () => {
    const p = new DndPolicy(true, false);
    p.fromServer(OFF);
    expect(p.pendingServerUpdate()).toBeNull();
    const allow = { enabled: true, allowList: [asUserId('alice'), asUserId('carol')] };
    p.setApp(allow);
    expect(p.pendingServerUpdate()).toEqual(allow);
    p.applied(allow);
    expect(p.pendingServerUpdate()).toBeNull();
    expect(p.osForced).toBe(false);
  });

  it('sees an allow-list change (same length, other names) as pending', () => {
    const p = new DndPolicy(true, false);
    p.fromServer({ enabled: true, allowList: [asUserId('alice')] });
    p.setApp({ enabled: true, allowList: [asUserId('carol')] });
    expect(p.pendingServerUpdate()).toEqual({ enabled: true, allowList: ['carol'] });
  });

  it('before any server status, always has something to send', () => {
    expect(new DndPolicy(true, false).pendingServerUpdate()).toEqual(OFF);
  });

  it('the OS focus turns the server DND on, marked osForced; it goes off again with the focus', () => {
    const p = new DndPolicy(true, false);
    p.fromServer(OFF);
    p.setOs(FOCUS_ON);
    expect(sync(p)).toEqual(ON);
    expect(p.osForced).toBe(true);
    p.setOs(FOCUS_OFF);
    expect(sync(p)).toEqual(OFF);
    expect(p.osForced).toBe(false);
  });

  it('with followOs off the OS focus asks for nothing', () => {
    const p = new DndPolicy(false, false);
    p.fromServer(OFF);
    p.setOs(FOCUS_ON);
    expect(p.pendingServerUpdate()).toBeNull();
  });

  it('turning followOs off while the OS forced DND asks to switch it off', () => {
    const p = new DndPolicy(true, false);
    p.fromServer(OFF);
    p.setOs(FOCUS_ON);
    sync(p);
    p.setFollowOs(false);
    expect(sync(p)).toEqual(OFF);
    expect(p.osForced).toBe(false);
  });

  it('the user DND applied while the OS is active is not osForced', () => {
    const p = new DndPolicy(true, false);
    p.fromServer(OFF);
    p.setApp(ON);
    p.setOs(FOCUS_ON);
    sync(p);
    expect(p.osForced).toBe(false);
  });
});

describe('DndPolicy: fromServer and osForced', () => {
  it('a server DND forced by the OS is not taken as the user choice', () => {
    const p = new DndPolicy(true, true);
    p.fromServer({ enabled: true, allowList: [asUserId('alice')] });
    expect(p.state.app).toEqual({ enabled: false, allowList: ['alice'] });
    expect(p.state.effective).toBe('off');
    // The OS focus is gone since: the server should drop the forced DND.
    expect(p.pendingServerUpdate()).toEqual({ enabled: false, allowList: ['alice'] });
  });

  it('a forced server DND stays on when the OS focus is still active', () => {
    const p = new DndPolicy(true, true);
    p.setOs(FOCUS_ON);
    p.fromServer(ON);
    expect(p.state.effective).toBe('os');
    expect(p.pendingServerUpdate()).toBeNull();
  });

  it('a server DND that was not forced is the user choice', () => {
    const p = new DndPolicy(true, false);
    p.fromServer(ON);
    expect(p.state.app).toEqual(ON);
    expect(p.state.effective).toBe('app');
  });

  it('osForced with the server DND off changes nothing', () => {
    const p = new DndPolicy(true, true);
    p.fromServer(OFF);
    expect(p.state.app).toEqual(OFF);
  });

  it('the OS-forced flag survives a restart through the constructor', () => {
    const first = new DndPolicy(true, false);
    first.fromServer(OFF);
    first.setOs(FOCUS_ON);
    sync(first);
    const next = new DndPolicy(true, first.osForced);
    next.fromServer(ON);
    expect(next.state.app.enabled).toBe(false);
  });

  it('the user turning DND on while the OS forced it is kept across a restart', () => {
    const p = new DndPolicy(true, false);
    p.fromServer(OFF);
    p.setOs(FOCUS_ON);
    sync(p);
    expect(p.osForced).toBe(true);
    p.setApp(ON);
    sync(p);
    expect(p.osForced).toBe(false);
    const next = new DndPolicy(true, p.osForced);
    next.fromServer(ON);
    expect(next.state.app.enabled).toBe(true);
  });

  it('the user turning DND off while the OS keeps it on is not read back as the user choice', () => {
    const p = new DndPolicy(true, false);
    p.fromServer(ON);
    p.setOs(FOCUS_ON);
    p.setApp(OFF);
    sync(p);
    expect(p.state.effective).toBe('os');
    expect(p.osForced).toBe(true);
    const next = new DndPolicy(true, p.osForced);
    next.fromServer(ON);
    expect(next.state.app.enabled).toBe(false);
  });
});
