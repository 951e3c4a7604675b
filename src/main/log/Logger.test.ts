import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger, type LogSink } from './Logger.ts';

class Sink implements LogSink {
  lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (DEBUG|INFO|WARN|ERROR) [\w-]+: .*\n$/;
let sink: Sink;
let remove: () => void;

beforeEach(() => {
  Logger.configure({ stderr: false, level: 'info' });
  sink = new Sink();
  remove = Logger.addSink(sink);
});
afterEach(() => {
  remove();
  vi.restoreAllMocks();
});

describe('Logger', () => {
  it('writes one formatted line per call to every sink', () => {
    const other = new Sink();
    const off = Logger.addSink(other);
    new Logger('Router').warn('produce() [kind:%s] took %d ms', 'audio', 12);
    off();
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).toMatch(LINE);
    expect(sink.lines[0]).toContain(' WARN Router: produce() [kind:audio] took 12 ms\n');
    expect(other.lines).toEqual(sink.lines);
  });

  it('drops levels below the threshold (info by default)', () => {
    const log = new Logger('t');
    log.debug('hidden');
    log.info('shown %s', 'info');
    log.error('shown %s', 'error');
    expect(sink.lines.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['INFO t: shown info\n', 'ERROR t: shown error\n']);
  });

  it.each([
    ['debug', 4],
    ['info', 3],
    ['warn', 2],
    ['error', 1],
  ] as const)('level %s lets %i of the four levels through', (level, n) => {
    Logger.configure({ level });
    const log = new Logger('lv');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(sink.lines).toHaveLength(n);
  });

  it('configure without a level keeps the current one', () => {
    Logger.configure({ level: 'error' });
    Logger.configure({ stderr: false });
    new Logger('k').warn('no');
    expect(sink.lines).toEqual([]);
  });

  it('a removed sink gets nothing more', () => {
    const log = new Logger('r');
    log.info('one');
    remove();
    log.info('two');
    expect(sink.lines).toHaveLength(1);
  });

  it('writes to stderr only when told to', () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    new Logger('quiet').error('not on stderr');
    expect(spy).not.toHaveBeenCalled();
    Logger.configure({ stderr: true });
    new Logger('loud').error('on stderr');
    Logger.configure({ stderr: false });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0]?.[0])).toContain('ERROR loud: on stderr\n');
    expect(sink.lines).toHaveLength(2);
  });

  it('formats objects and errors with util.format', () => {
    new Logger('f').info('state %o / %s', { a: 1 }, new Error('boom'));
    expect(sink.lines[0]).toContain('f: state { a: 1 } / Error: boom');
  });
});
