import { describe, expect, it } from 'vitest';
import { RingdeskError, errorMessage } from './errors.ts';

describe('errorMessage', () => {
  it.each([
    ['an Error', new Error('disk full'), 'disk full'],
    ['a RingdeskError', new RingdeskError('unavailable', 'store is down'), 'store is down'],
    ['a thrown string', 'socket hang up', 'socket hang up'],
    ['a thrown number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['an object', { code: 'x' }, '[object Object]'],
  ])('%s', (_what, thrown, text) => {
    expect(errorMessage(thrown)).toBe(text);
  });
});
