import { describe, expect, it } from 'vitest';
import { clientAddress } from './clientAddress.ts';

const req = (peer: string | undefined, xff?: string | string[]) => ({ socket: { remoteAddress: peer } as never, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }); // only remoteAddress is read

describe('clientAddress', () => {
  it('is the socket peer unless trustProxy, whatever the header says', () => {
    expect(clientAddress(req('10.0.0.7', '203.0.113.1'), false)).toBe('10.0.0.7');
    expect(clientAddress(req(undefined), false)).toBe('unknown');
  });
  it('behind our proxy: the last X-Forwarded-For entry (the one the proxy appended), never a client-chosen earlier one', () => {
    expect(clientAddress(req('10.0.0.7', 'spoofed, 198.51.100.2'), true)).toBe('198.51.100.2');
    expect(clientAddress(req('10.0.0.7', ['1.1.1.1', ' 198.51.100.3 ']), true)).toBe('198.51.100.3');
    expect(clientAddress(req('10.0.0.7', ' , '), true)).toBe('10.0.0.7');
    expect(clientAddress(req('10.0.0.7'), true)).toBe('10.0.0.7');
  });
});
