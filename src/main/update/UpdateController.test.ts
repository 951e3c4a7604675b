import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_POLICY, type ManagedPolicy } from '../policy/Policy.ts';
import { RecordingUpdater } from './RecordingUpdater.ts';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS, UpdateController } from './UpdateController.ts';

function make(policy: Partial<ManagedPolicy> = {}, updater = new RecordingUpdater()): { c: UpdateController; u: RecordingUpdater; installs: string[] } {
  const installs: string[] = [];
  const c = new UpdateController({ port: updater, policy: { ...EMPTY_POLICY, ...policy }, beforeInstall: () => installs.push('closed core') });
  return { c, u: updater, installs };
}

/** Runs the controller to a downloaded update, as electron-updater reports it. */
async function toReady(c: UpdateController, u: RecordingUpdater): Promise<void> {
  c.start();
  await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
  u.emit({ kind: 'checking' });
  u.emit({ kind: 'available', version: '1.2.0' });
  u.emit({ kind: 'progress', percent: 41.6 });
  expect(c.state).toMatchObject({ status: 'downloading', version: '1.2.0', percent: 42 });
  u.emit({ kind: 'downloaded', version: '1.2.0' });
  expect(c.state).toMatchObject({ status: 'ready', version: '1.2.0' });
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('UpdateController', () => {
  it('is off entirely when IT policy says so: no feed set, no check, ever', async () => {
    const { c, u } = make({ autoUpdate: false, updateFeedUrl: 'https://corp/feed/' });
    c.start();
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS * 3);
    expect(c.state).toMatchObject({ status: 'disabled', reason: 'policyOff' });
    expect(u.calls).toEqual([]);
    expect(() => c.restartToUpdate()).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  it('is off in a dev run and for a build with no feed, and says why', () => {
    const dev = make({}, new RecordingUpdater({ supported: false }));
    dev.c.start();
    expect(dev.c.state.reason).toBe('notInstalled');
    const noFeed = make({}, new RecordingUpdater({ builtInFeedUrl: null }));
    noFeed.c.start();
    expect(noFeed.c.state).toMatchObject({ status: 'disabled', reason: 'noFeed' });
  });

  it('uses the policy feed over the built-in one; the policy feed alone is enough', async () => {
    const { c, u } = make({ updateFeedUrl: 'https://corp/feed/' }, new RecordingUpdater({ builtInFeedUrl: null }));
    c.start();
    expect(c.state.status).toBe('idle');
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(u.calls).toEqual(['feed https://corp/feed/', 'check']);
  });

  it('checks after a delay and then every interval, but not while a download is under way', async () => {
    const { c, u } = make();
    c.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS - 1);
    expect(u.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(u.calls).toEqual(['check']);
    u.emit({ kind: 'notAvailable' });
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(u.calls).toEqual(['check', 'check']);
    u.emit({ kind: 'available', version: '2.0.0' });
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(u.calls).toEqual(['check', 'check']);
    c.close();
  });

  it('reports a failed check as an error and tries again at the next interval', async () => {
    const u = new RecordingUpdater();
    u.nextCheckError = new Error('net::ERR_NAME_NOT_RESOLVED');
    const { c } = make({}, u);
    c.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(c.state).toMatchObject({ status: 'error', detail: 'net::ERR_NAME_NOT_RESOLVED' });
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(u.calls).toEqual(['check', 'check']);
  });

  it('restarts to update at once when no call is active', async () => {
    const { c, u, installs } = make();
    await toReady(c, u);
    c.restartToUpdate();
    expect(installs).toEqual(['closed core']);
    expect(u.calls.at(-1)).toBe('quitAndInstall');
  });

  it('never interrupts a call: waits for the last call to end, then installs once', async () => {
    const { c, u, installs } = make();
    const states: boolean[] = [];
    c.on('changed', (s) => states.push(s.waitingForCall));
    await toReady(c, u);
    c.setCallActive(true);
    expect(c.restartToUpdate()).toMatchObject({ status: 'ready', waitingForCall: true });
    expect(u.calls).not.toContain('quitAndInstall');
    c.setCallActive(true); // another view change, still in the call
    expect(u.calls).not.toContain('quitAndInstall');
    c.setCallActive(false);
    c.setCallActive(false);
    expect(u.calls.filter((x) => x === 'quitAndInstall')).toHaveLength(1);
    expect(installs).toEqual(['closed core']);
    expect(states).toContain(true);
  });

  it('does not install when a call ends if nobody asked for the restart', async () => {
    const { c, u } = make();
    await toReady(c, u);
    c.setCallActive(true);
    c.setCallActive(false);
    expect(u.calls).not.toContain('quitAndInstall');
  });

  it('refuses "restart to update" before an update is ready, and keeps a ready update through a later error', async () => {
    const { c, u } = make();
    c.start();
    expect(() => c.restartToUpdate()).toThrow(/No update is ready/);
    await toReady(c, u);
    u.emit({ kind: 'error', message: 'late' });
    expect(c.state.status).toBe('ready');
  });
});
