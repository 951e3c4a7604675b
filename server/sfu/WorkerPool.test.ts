import { describe, expect, it } from 'vitest';
import { requireWorker } from '../../test/integration/sfuKit.ts';
import { SfuConfigSchema } from './SfuConfig.ts';
import { defaultAnnouncedAddress, WorkerPool } from './WorkerPool.ts';

describe('defaultAnnouncedAddress', () => {
  it('announces a specific listen address as it is', () => {
    expect(defaultAnnouncedAddress('192.168.1.20')).toBe('192.168.1.20');
    expect(defaultAnnouncedAddress('127.0.0.1')).toBe('127.0.0.1');
  });
  it('for a wildcard, picks an IPv4 this machine can be reached on', () => {
    const a = defaultAnnouncedAddress('0.0.0.0');
    expect(a).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(a).not.toBe('0.0.0.0');
  });
});

describe('WorkerPool and process signals', () => {
  it('leaves SIGINT and SIGTERM to server/index.ts: a SIGTERM drains, and the workers must keep the media up meanwhile', async () => {
    requireWorker();
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    const pool = new WorkerPool(SfuConfigSchema.parse({ numWorkers: 2, listenIp: '127.0.0.1', webRtcServerPort: 0 }));
    try {
      await pool.start();
      expect(pool.workers).toHaveLength(2);
      // mediasoup's createWorker() adds one listener per signal and worker; none is left.
      expect({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }).toEqual(before);
    } finally {
      pool.close();
    }
  });
});
