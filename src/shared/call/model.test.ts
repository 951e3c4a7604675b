import { describe, expect, it } from 'vitest';
import { cloneCall, type Call } from './model.ts';
import { b1, bob, ok, start, step, withBobIn } from './testkit.ts';

/** Every object or array reachable from `v`, with its path (the call's nested parts). */
function objects(v: unknown, path = 'call'): [string, object][] {
  if (v === null || typeof v !== 'object') return [];
  const own: [string, object][] = [[path, v]];
  return own.concat(Object.entries(v).flatMap(([k, x]) => objects(x, `${path}.${k}`)));
}

describe('cloneCall', () => {
  it('copies every field and shares no object or array with the original (a new nested field must be copied too)', () => {
    const call = withBobIn('advanced', 'received');
    const copy = cloneCall(call);
    expect(copy).toEqual(call);
    const originals = new Map(objects(call));
    const copies = objects(copy);
    expect(copies.length).toBe(originals.size);
    for (const [path, o] of copies) expect(o, path).not.toBe(originals.get(path));
  });

  it('lets the machine change its draft without touching the call it was given', () => {
    const { call } = start('normal');
    const before: Call = JSON.parse(JSON.stringify(call)) as Call; // a snapshot by value, independent of cloneCall
    const after = ok(step(call, { type: 'ack', by: bob, device: b1 })).call;
    expect(after.members.find((m) => m.userId === bob)?.ackedDevices).toEqual([b1]);
    expect(call).toEqual(before);
  });
});
