import { describe, expect, it } from 'vitest';
import { BridgeError } from '../bridge.ts';
import { useAction } from './useAction.ts';

describe('useAction', () => {
  it('runs one task at a time, is busy meanwhile, and keeps the error code instead of throwing', async () => {
    const a = useAction();
    let release: () => void = () => undefined;
    const first = a.run(() => new Promise<void>((r) => (release = r)));
    expect(a.busy.value).toBe(true);
    await expect(a.run(() => Promise.resolve())).resolves.toBe(false); // ignored: the first still runs
    release();
    await expect(first).resolves.toBe(true);
    expect(a.busy.value).toBe(false);
    await expect(a.run(() => Promise.reject(new BridgeError('call_ended', 'gone')))).resolves.toBe(false);
    expect(a.error.value).toBe('call_ended');
    await expect(a.run(() => Promise.resolve())).resolves.toBe(true);
    expect(a.error.value).toBeNull(); // a new attempt clears the old error
  });
});
