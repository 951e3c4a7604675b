import { describe, expect, it } from 'vitest';
import { asCallId, asDeviceId, type DeviceId } from '../../shared/protocol/index.ts';
import { NotificationNonces, NONCE_PATTERN, type NonceVerdict } from './NotificationNonces.ts';

const C1 = asCallId('c1');
const C2 = asCallId('c2');

function setup() {
  let device: DeviceId = asDeviceId('d-desk');
  const nonces = new NotificationNonces(() => device);
  return { nonces, moveDevice: () => void (device = asDeviceId('d-other')) };
}

describe('NotificationNonces', () => {
  it('issues 128-bit base64url nonces, a different one every time', () => {
    const { nonces } = setup();
    const seen = new Set(Array.from({ length: 200 }, () => nonces.issue(C1)));
    expect(seen.size).toBe(200);
    for (const n of seen) expect(n).toMatch(NONCE_PATTERN);
    expect(Buffer.from([...seen][0] ?? '', 'base64url')).toHaveLength(16);
  });

  it.each<[string, (t: ReturnType<typeof setup>) => NonceVerdict[], NonceVerdict[]]>([
    [
      'live nonce: accepted once, then refused as a replay',
      ({ nonces }) => {
        const n = nonces.issue(C1);
        return [nonces.consume(C1, n), nonces.consume(C1, n)];
      },
      [{ ok: true }, { ok: false, reason: 'unknown' }],
    ],
    ['no nonce at all (a forged link)', ({ nonces }) => [nonces.consume(C1, null)], [{ ok: false, reason: 'missing' }]],
    ['a made-up nonce', ({ nonces }) => (nonces.issue(C1), [nonces.consume(C1, 'A'.repeat(22))]), [{ ok: false, reason: 'unknown' }]],
    [
      "another call's nonce: refused and left for its own call",
      ({ nonces }) => {
        const n = nonces.issue(C2);
        return [nonces.consume(C1, n), nonces.consume(C2, n)];
      },
      [{ ok: false, reason: 'otherCall' }, { ok: true }],
    ],
    [
      'expired with the ringing (other calls keep theirs)',
      ({ nonces }) => {
        const n = nonces.issue(C1);
        const other = nonces.issue(C2);
        nonces.expire(C1);
        return [nonces.consume(C1, n), nonces.consume(C2, other)];
      },
      [{ ok: false, reason: 'unknown' }, { ok: true }],
    ],
    [
      'issued under another device identity',
      ({ nonces, moveDevice }) => {
        const n = nonces.issue(C1);
        moveDevice();
        return [nonces.consume(C1, n)];
      },
      [{ ok: false, reason: 'otherDevice' }],
    ],
  ])('%s', (_name, run, expected) => {
    expect(run(setup())).toEqual(expected);
  });
});
