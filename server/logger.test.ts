import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from './logger.ts';

const lines: string[] = [];
let restore: () => void = () => undefined;
function capture(): void {
  lines.length = 0;
  restore = Logger.setWriter((l) => lines.push(l));
}
afterEach(() => {
  restore();
  Logger.setFormat('json');
  Logger.setLevel('info');
});

describe('server logger', () => {
  it('writes one JSON object per line, with the call, user and device fields of a child logger', () => {
    capture();
    Logger.setFormat('json');
    const log = new Logger('CallService');
    log.info('invite() [invitees:%d]', 2);
    log.child({ callID: 'c-1', userId: 'alice' }).child({ device: 'alice-d1' }).warn('tick failed: %s', 'boom');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.endsWith('\n') && !l.slice(0, -1).includes('\n')).toBe(true);
    const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'info', logger: 'CallService', msg: 'invite() [invitees:2]' });
    expect(b).toMatchObject({ level: 'warn', logger: 'CallService', msg: 'tick failed: boom', callID: 'c-1', userId: 'alice', device: 'alice-d1' });
  });

  it('never writes a field that looks like a secret, and a message with newlines stays on one line', () => {
    capture();
    Logger.setFormat('json');
    new Logger('Auth').child({ token: 'abc.def', password: 'hunter2', sdp: 'v=0', userId: 'bob' }).error('multi\nline');
    const text = lines.join('');
    expect(text).not.toMatch(/abc\.def|hunter2|v=0/);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ token: '[redacted]', password: '[redacted]', sdp: '[redacted]', userId: 'bob', msg: 'multi\nline' });
    expect(lines[0]?.split('\n')).toHaveLength(2); // the line and the empty rest after its newline
  });

  it('prints for humans with RINGDESK_LOG_FORMAT=text, and filters by level', () => {
    capture();
    Logger.setFormat('text');
    Logger.setLevel('warn');
    const log = new Logger('Server').child({ callID: 'c-9' });
    log.info('hidden');
    log.warn('shown %s', 'x');
    expect(lines).toEqual([expect.stringMatching(/^\S+ WARN Server: shown x \(callID=c-9\)\n$/)]);
  });
});
