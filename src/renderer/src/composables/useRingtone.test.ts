import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { FakeAudioContext } from '../testing/fakeAudio.ts';
import { PATTERNS, RingtonePlayer, type Ringtone } from './ringtones.ts';
import { useRingtone } from './useRingtone.ts';

beforeEach(() => {
  FakeAudioContext.made = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(o: { active?: boolean; tone?: Ringtone; volume?: number } = {}) {
  const active = ref(o.active ?? true);
  const tone = ref<Ringtone>(o.tone ?? 'classic');
  const volume = ref(o.volume ?? 0.6);
  const scope = effectScope();
  const r = scope.run(() => useRingtone({ active: () => active.value, tone: () => tone.value, volume: () => volume.value, audio: () => new FakeAudioContext() }));
  if (!r) throw new Error('scope did not run');
  return { active, tone, volume, scope, ...r };
}

const ctx = (i = -1): FakeAudioContext => {
  const c = FakeAudioContext.made.at(i);
  if (!c) throw new Error('no audio context was made');
  return c;
};
/** Moves the audio clock and the scheduler's timers together. */
function advance(c: FakeAudioContext, seconds: number): void {
  for (let t = 0; t < seconds; t += 0.25) {
    c.currentTime += 0.25;
    vi.advanceTimersByTime(250);
  }
}

describe('useRingtone', () => {
  it('plays the chosen tone through a master gain at the chosen volume', () => {
    const r = setup({ volume: 0.6 });
    expect(r.playing.value).toBe(true);
    const c = ctx();
    expect(c.resumed).toBe(1);
    expect(c.master?.gain.value).toBeCloseTo(0.6);
    // The British double ring: two bursts of 400 + 450 Hz in the first cycle.
    const first = c.oscillators.filter((o) => (o.startAt ?? 99) < 3);
    expect(first.map((o) => o.frequency.value)).toEqual([400, 450, 400, 450]);
    expect(first.map((o) => o.startAt)).toEqual([0.05, 0.05, 0.65, 0.65]);
    expect(first.map((o) => Number(((o.stopAt ?? 0) - (o.startAt ?? 0)).toFixed(2)))).toEqual([0.4, 0.4, 0.4, 0.4]);
    r.scope.stop();
  });

  it('loops until stopped', () => {
    const r = setup();
    const c = ctx();
    advance(c, 9);
    const starts = [...new Set(c.oscillators.map((o) => o.startAt))];
    // Cycles every 3 s: bursts at 0.05/0.65, 3.05/3.65, 6.05/6.65, 9.05/9.65 …
    for (const s of [0.05, 3.05, 6.05, 9.05]) expect(starts.some((x) => Math.abs((x ?? 0) - s) < 1e-9)).toBe(true);
    expect(c.closed).toBe(false);
    r.scope.stop();
  });

  it('stops the moment it should no longer ring, and schedules nothing more', async () => {
    const r = setup();
    const c = ctx();
    r.active.value = false;
    // flush: 'sync' — no tick needed
    expect(c.closed).toBe(true);
    expect(c.master).toBeUndefined();
    expect(r.playing.value).toBe(false);
    const n = c.oscillators.length;
    advance(c, 10);
    expect(c.oscillators.length).toBe(n);
    await nextTick();
    expect(FakeAudioContext.made).toHaveLength(1);
  });

  it('stops when its owner unmounts', () => {
    const r = setup();
    r.scope.stop();
    expect(ctx().closed).toBe(true);
    expect(r.playing.value).toBe(false);
  });

  it('does not play while inactive, and starts when it becomes active', () => {
    const r = setup({ active: false });
    expect(FakeAudioContext.made).toHaveLength(0);
    r.active.value = true;
    expect(FakeAudioContext.made).toHaveLength(1);
    r.scope.stop();
  });

  it('switches tone and follows the volume live', async () => {
    const r = setup({ tone: 'classic', volume: 0.5 });
    r.tone.value = 'chime';
    expect(ctx(0).closed).toBe(true);
    const c = ctx(1);
    expect(c.oscillators.slice(0, 3).map((o) => o.frequency.value)).toEqual(PATTERNS.chime.notes.flatMap((n) => n.freqs));
    r.volume.value = 0.2;
    await nextTick();
    expect(c.master?.gain.events.at(-1)).toEqual({ kind: 'set', value: 0.2, time: c.currentTime });
    r.scope.stop();
  });

  it('is silent, not broken, without WebAudio', () => {
    const scope = effectScope();
    const r = scope.run(() => useRingtone({ active: () => true, tone: () => 'pulse', volume: () => 1, audio: () => null }));
    expect(r?.playing.value).toBe(false);
    scope.stop();
  });
});

describe('RingtonePlayer preview', () => {
  it('plays a set number of cycles, then closes by itself', () => {
    const p = new RingtonePlayer(() => new FakeAudioContext());
    p.start('pulse', 1, 2);
    const c = ctx();
    advance(c, 6);
    expect(c.oscillators).toHaveLength(PATTERNS.pulse.notes.length * 2);
    expect(c.closed).toBe(true);
    expect(p.playing).toBe(false);
  });
});
