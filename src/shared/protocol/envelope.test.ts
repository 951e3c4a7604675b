import { describe, expect, it } from 'vitest';
import { RequestFrameSchema, parseRequestFrame, wellFormedEnvelope } from './envelope.ts';

// Frames at and around every edge of the envelope: the written-out check must pass exactly what the schema passes.
const FRAMES: unknown[] = [
  { id: 1, type: 'heartbeat', data: {} },
  { id: 0, type: 'heartbeat' },
  { id: 'a', type: 'heartbeat', data: null },
  { id: 'x'.repeat(64), type: 't'.repeat(64), data: [] },
  { id: 'x'.repeat(65), type: 'heartbeat' },
  { id: '', type: 'heartbeat' },
  { id: -1, type: 'heartbeat' },
  { id: 1.5, type: 'heartbeat' },
  { id: 2 ** 53, type: 'heartbeat' },
  { id: Number.MAX_SAFE_INTEGER, type: 'heartbeat' },
  { id: null, type: 'heartbeat' },
  { id: true, type: 'heartbeat' },
  { id: [1], type: 'heartbeat' },
  { type: 'heartbeat' },
  { id: 1 },
  { id: 1, type: 't'.repeat(65) },
  { id: 1, type: 5 },
  { id: 1, type: '', extra: 'ignored' },
  [1, 'heartbeat'],
  null,
  'frame',
  42,
];

describe('request envelope', () => {
  it.each(FRAMES.map((f) => [JSON.stringify(f)?.slice(0, 60) ?? String(f), f]))('%s: the fast check and the schema agree', (_, frame) => {
    expect(wellFormedEnvelope(frame) !== null).toBe(RequestFrameSchema.safeParse(frame).success);
  });

  it('a frame the fast check passes reads the same as through the schema; one it refuses gets the schema’s message', () => {
    for (const f of FRAMES) {
      const fast = wellFormedEnvelope(f);
      const slow = RequestFrameSchema.safeParse(f);
      if (fast && slow.success) expect(fast.data).toEqual(slow.data);
    }
    expect(parseRequestFrame({ id: -1, type: 'heartbeat' }).error?.message).toMatch(/^frame: id/);
    expect(parseRequestFrame({ id: 7, type: 'heartbeat', data: {} })).toMatchObject({ id: 7, request: { id: 7, type: 'heartbeat', data: {} } });
  });
});
