import { afterEach, describe, expect, it, vi } from 'vitest';
import { setListenerErrorSink, TypedEmitter } from './events.ts';

class Door extends TypedEmitter<{ open: [who: string]; close: [] }> {
  fire(who: string): void {
    this.emit('open', who);
  }
  fireClose(): void {
    this.emit('close');
  }
}

let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
  vi.restoreAllMocks();
});

describe('TypedEmitter listener errors', () => {
  it('by default reports a throwing listener to console.error, and the other listeners still run', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const door = new Door();
    const seen: string[] = [];
    door.on('open', () => {
      throw new Error('boom');
    });
    door.on('open', (who) => seen.push(who));
    door.fire('alice');
    expect(seen).toEqual(['alice']);
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(consoleError.mock.calls[0]?.[0]).toBe('Door: a "open" listener threw:');
    expect(consoleError.mock.calls[0]?.[1]).toEqual(new Error('boom'));
  });

  it('setListenerErrorSink sends them to the process logger, with the emitter class and event', () => {
    const got: [string, string, unknown][] = [];
    restore = setListenerErrorSink((source, event, error) => got.push([source, event, error]));
    const door = new Door();
    const err = new TypeError('bad');
    door.on('open', () => {
      throw err;
    });
    door.fire('bob');
    expect(got).toEqual([['Door', 'open', err]]);
  });

  it('restoring puts the previous sink back; null means the console default', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const first: string[] = [];
    const undoFirst = setListenerErrorSink((_s, event) => first.push(event));
    const undoNull = setListenerErrorSink(null);
    const door = new Door();
    door.on('close', () => {
      throw new Error('x');
    });
    door.fireClose();
    expect(consoleError).toHaveBeenCalledTimes(1);
    undoNull();
    door.fireClose();
    expect(first).toEqual(['close']);
    undoFirst();
  });

  it('a per-instance onListenerError overrides the sink for that emitter only', () => {
    const sink: string[] = [];
    restore = setListenerErrorSink((source) => sink.push(source));
    const own: string[] = [];
    const a = new Door();
    const b = new Door();
    a.onListenerError((event, e) => own.push(`${event}: ${(e as Error).message}`)); // thrown below as an Error
    for (const d of [a, b]) {
      d.on('open', () => {
        throw new Error('nope');
      });
      d.fire('x');
    }
    expect(own).toEqual(['open: nope']);
    expect(sink).toEqual(['Door']);
  });

  it('a sink that throws does not stop the remaining listeners', () => {
    restore = setListenerErrorSink(() => {
      throw new Error('logger down');
    });
    const door = new Door();
    const seen: string[] = [];
    door.on('open', () => {
      throw new Error('first');
    });
    door.on('open', (who) => seen.push(who));
    expect(() => door.fire('carol')).not.toThrow();
    expect(seen).toEqual(['carol']);
  });
});
