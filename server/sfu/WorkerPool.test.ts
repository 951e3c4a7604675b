import { describe, expect, it } from 'vitest';
import { defaultAnnouncedAddress } from './WorkerPool.ts';

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
