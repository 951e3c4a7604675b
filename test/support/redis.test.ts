import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from './redis.ts';

// The fault tests rely on this helper: a kill loses what was not persisted, and start() comes back on the same port.
describe('test Redis server', () => {
  let redis: TestRedis;
  let persistent: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
    persistent = await startTestRedis({ persist: true });
  });
  afterAll(async () => {
    await redis?.stop();
    await persistent?.stop();
  });

  async function roundTrip(server: TestRedis, write: boolean): Promise<string | null> {
    const c = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await c.connect();
      if (write) await c.set('k', 'v');
      return await c.get('k');
    } finally {
      c.disconnect();
    }
  }

  it('answers on its url, and starts empty again after a kill without persistence', async () => {
    expect(await roundTrip(redis, true)).toBe('v');
    await redis.kill();
    await expect(roundTrip(redis, false)).rejects.toThrow();
    await redis.start();
    expect(await roundTrip(redis, false)).toBeNull();
  });

  it('keeps what was written before a clean stop when persistent', async () => {
    expect(await roundTrip(persistent, true)).toBe('v');
    // What a SIGKILL keeps depends on the fsync timing, so this checks that the file itself is replayed:
    // SHUTDOWN fsyncs the append-only file, then the server exits (the link drops: the call rejects).
    const c = new Redis(persistent.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    await c.call('SHUTDOWN').catch(() => undefined);
    c.disconnect();
    await persistent.kill(); // reaps the process (already gone)
    await persistent.start();
    expect(await roundTrip(persistent, false)).toBe('v');
  });
});
