// A WebAudio stand-in that records what the ringtone player builds and schedules.
import type { AudioContextLike, AudioParamLike, GainLike, OscillatorLike } from '../composables/ringtones.ts';

export class FakeParam implements AudioParamLike {
  value = 0;
  readonly events: { kind: 'set' | 'ramp'; value: number; time: number }[] = [];
  setValueAtTime(value: number, time: number): this {
    this.events.push({ kind: 'set', value, time });
    return this;
  }
  linearRampToValueAtTime(value: number, time: number): this {
    this.events.push({ kind: 'ramp', value, time });
    return this;
  }
}

class FakeNode {
  connectedTo: object[] = [];
  connect(destination: object): object {
    this.connectedTo.push(destination);
    return destination;
  }
  disconnect(): void {
    this.connectedTo = [];
  }
}

export class FakeOscillator extends FakeNode implements OscillatorLike {
  type: OscillatorType = 'sine';
  readonly frequency = new FakeParam();
  startAt: number | null = null;
  stopAt: number | null = null;
  start(when = 0): void {
    this.startAt = when;
  }
  stop(when = 0): void {
    this.stopAt = when;
  }
}

export class FakeGain extends FakeNode implements GainLike {
  readonly gain = new FakeParam();
}

export class FakeAudioContext implements AudioContextLike {
  static made: FakeAudioContext[] = [];
  currentTime = 0;
  readonly destination = { name: 'destination' };
  readonly oscillators: FakeOscillator[] = [];
  readonly gains: FakeGain[] = [];
  closed = false;
  resumed = 0;
  constructor() {
    FakeAudioContext.made.push(this);
  }
  createOscillator(): FakeOscillator {
    if (this.closed) throw new Error('InvalidStateError: the context is closed');
    const o = new FakeOscillator();
    this.oscillators.push(o);
    return o;
  }
  createGain(): FakeGain {
    if (this.closed) throw new Error('InvalidStateError: the context is closed');
    const g = new FakeGain();
    this.gains.push(g);
    return g;
  }
  async resume(): Promise<void> {
    this.resumed++;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** The gain node wired to the speakers: the master volume. */
  get master(): FakeGain | undefined {
    return this.gains.find((g) => g.connectedTo.includes(this.destination));
  }
}
