import type { RINGTONES } from '../../../shared/ipc/constants.ts';

export type Ringtone = (typeof RINGTONES)[number];

/** One tone burst: oscillators at `freqs` (mixed), from `at` for `dur` seconds into the cycle. */
export interface Note {
  at: number;
  dur: number;
  freqs: number[];
  wave: OscillatorType;
}
/** A ringtone is a cycle of notes repeated every `period` seconds. */
export interface Pattern {
  period: number;
  notes: Note[];
}

/** Synthesized, so the app ships no audio files. */
export const PATTERNS: Record<Ringtone, Pattern> = {
  // The British double ring: 400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
  classic: {
    period: 3,
    notes: [
      { at: 0, dur: 0.4, freqs: [400, 450], wave: 'sine' },
      { at: 0.6, dur: 0.4, freqs: [400, 450], wave: 'sine' },
    ],
  },
  // A rising E major arpeggio (E5, G#5, B5).
  chime: {
    period: 2.4,
    notes: [
      { at: 0, dur: 0.45, freqs: [659.25], wave: 'sine' },
      { at: 0.22, dur: 0.45, freqs: [830.61], wave: 'sine' },
      { at: 0.44, dur: 0.8, freqs: [987.77], wave: 'sine' },
    ],
  },
  // Four short beeps.
  pulse: {
    period: 1.8,
    notes: [0, 0.18, 0.36, 0.54].map((at) => ({ at, dur: 0.1, freqs: [880], wave: 'triangle' as const })),
  },
};

/** The part of the WebAudio API the player uses (method syntax, so real nodes fit; tests hand in fakes). */
export interface AudioParamLike {
  value: number;
  setValueAtTime(value: number, time: number): unknown;
  linearRampToValueAtTime(value: number, time: number): unknown;
}
export interface AudioNodeLike {
  connect(destination: object): unknown;
  disconnect(): void;
}
export interface OscillatorLike extends AudioNodeLike {
  type: OscillatorType;
  frequency: AudioParamLike;
  start(when?: number): void;
  stop(when?: number): void;
}
export interface GainLike extends AudioNodeLike {
  gain: AudioParamLike;
}
export interface AudioContextLike {
  readonly currentTime: number;
  readonly destination: object;
  createOscillator(): OscillatorLike;
  createGain(): GainLike;
  resume(): Promise<void>;
  close(): Promise<void>;
}
export type AudioContextFactory = () => AudioContextLike | null;

export const defaultAudioContext: AudioContextFactory = () => (typeof AudioContext === 'undefined' ? null : new AudioContext());

/** How often the player tops up its schedule, and how far ahead it schedules. */
const TICK_MS = 250;
const LOOKAHEAD_S = 1;
const START_DELAY_S = 0.05;
const RAMP_S = 0.015;
/** Peak level of one note before the master volume; leaves headroom for two mixed oscillators. */
const NOTE_PEAK = 0.35;

/**
 * Plays a ringtone pattern in a loop (or `cycles` times) through a master gain set to the volume.
 * Notes are scheduled on the audio clock a little ahead; stop() closes the context, which
 * silences everything already scheduled at once.
 */
export class RingtonePlayer {
  readonly #factory: AudioContextFactory;
  #ctx: AudioContextLike | null = null;
  #master: GainLike | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #nextAt = 0;
  #left = Infinity;
  #pattern: Pattern | null = null;

  constructor(factory: AudioContextFactory = defaultAudioContext) {
    this.#factory = factory;
  }

  get playing(): boolean {
    return this.#ctx !== null;
  }

  start(tone: Ringtone, volume: number, cycles = Infinity): void {
    this.stop();
    const ctx = this.#factory();
    if (!ctx) return;
    this.#ctx = ctx;
    this.#pattern = PATTERNS[tone];
    this.#left = cycles;
    // Electron lets the ringing window play without a gesture; a browser may keep it suspended.
    ctx.resume().catch(() => undefined);
    const master = ctx.createGain();
    master.gain.value = clamp(volume);
    master.gain.setValueAtTime(clamp(volume), ctx.currentTime);
    master.connect(ctx.destination);
    this.#master = master;
    this.#nextAt = ctx.currentTime + START_DELAY_S;
    this.#schedule();
    this.#timer = setInterval(() => this.#schedule(), TICK_MS);
  }

  setVolume(volume: number): void {
    const ctx = this.#ctx;
    if (!ctx || !this.#master) return;
    this.#master.gain.setValueAtTime(clamp(volume), ctx.currentTime);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const ctx = this.#ctx;
    this.#ctx = null;
    this.#pattern = null;
    if (!ctx) return;
    this.#master?.disconnect();
    this.#master = null;
    ctx.close().catch(() => undefined);
  }

  #schedule(): void {
    const ctx = this.#ctx;
    const p = this.#pattern;
    if (!ctx || !p) return;
    if (this.#left <= 0) {
      // The last cycle was scheduled; stop once it has played out.
      if (ctx.currentTime >= this.#nextAt) this.stop();
      return;
    }
    while (this.#left > 0 && this.#nextAt < ctx.currentTime + LOOKAHEAD_S) {
      for (const n of p.notes) this.#note(ctx, this.#nextAt + n.at, n);
      this.#nextAt += p.period;
      this.#left -= 1;
    }
  }

  #note(ctx: AudioContextLike, t: number, n: Note): void {
    const master = this.#master;
    if (!master) return;
    const env = ctx.createGain();
    const peak = NOTE_PEAK / n.freqs.length;
    env.gain.value = 0;
    env.gain.setValueAtTime(0, t);
    env.gain.linearRampToValueAtTime(peak, t + RAMP_S);
    env.gain.setValueAtTime(peak, t + n.dur - RAMP_S);
    env.gain.linearRampToValueAtTime(0, t + n.dur);
    env.connect(master);
    for (const f of n.freqs) {
      const osc = ctx.createOscillator();
      osc.type = n.wave;
      osc.frequency.value = f;
      osc.connect(env);
      osc.start(t);
      osc.stop(t + n.dur);
    }
  }
}

function clamp(v: number): number {
  return Math.min(1, Math.max(0, v));
}
