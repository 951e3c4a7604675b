import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLog } from './FileLog.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringdesk-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (name: string) => readFileSync(join(dir, name), 'utf8');
/** Ten-byte lines make the sizes easy to follow: a tag letter, 8 digits and a newline. */
const line = (tag: string, i: number) => `${tag}${String(i).padStart(8, '0')}\n`;

describe('FileLog: file and rotation', () => {
  it('appends lines to main.log in the given folder, creating it', () => {
    const nested = join(dir, 'logs', 'deeper');
    const log = new FileLog({ dir: nested });
    log.write('one\n');
    log.write('two\n');
    expect(log.path).toBe(join(nested, 'main.log'));
    expect(readFileSync(log.path, 'utf8')).toBe('one\ntwo\n');
  });

  it('rotates once the next line would pass maxBytes', () => {
    const log = new FileLog({ dir, maxBytes: 30, keep: 3 });
    for (let i = 0; i < 3; i++) log.write(line('a', i));
    expect(readdirSync(dir)).toEqual(['main.log']);
    expect(statSync(log.path).size).toBe(30);
    log.write(line('a', 3));
    expect(readdirSync(dir).toSorted()).toEqual(['main.1.log', 'main.log']);
    expect(read('main.1.log')).toBe(line('a', 0) + line('a', 1) + line('a', 2));
    expect(read('main.log')).toBe(line('a', 3));
  });

  it('keeps `keep` rotated files, newest in main.1.log, and drops the oldest', () => {
    const log = new FileLog({ dir, maxBytes: 10, keep: 2 });
    for (let i = 0; i < 6; i++) log.write(line('b', i));
    expect(readdirSync(dir).toSorted()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    expect(read('main.log')).toBe(line('b', 5));
    expect(read('main.1.log')).toBe(line('b', 4));
    expect(read('main.2.log')).toBe(line('b', 3));
  });

  it('never lets a file pass maxBytes with ASCII lines', () => {
    const log = new FileLog({ dir, maxBytes: 64, keep: 5 });
    for (let i = 0; i < 80; i++) log.write(`${'x'.repeat(i % 13)}\n`);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(64);
    expect(readdirSync(dir).toSorted()).toEqual(['main.1.log', 'main.2.log', 'main.3.log', 'main.4.log', 'main.5.log', 'main.log']);
  });

  it('counts a main.log left by the last run', () => {
    writeFileSync(join(dir, 'main.log'), 'y'.repeat(25));
    const log = new FileLog({ dir, maxBytes: 30, keep: 1 });
    log.write(line('c', 0));
    expect(read('main.1.log')).toBe('y'.repeat(25));
    expect(read('main.log')).toBe(line('c', 0));
  });

  it('uses 1 MiB and 3 files by default', () => {
    const log = new FileLog({ dir });
    const big = `${'z'.repeat(1023)}\n`;
    for (let i = 0; i < 1024; i++) log.write(big);
    expect(readdirSync(dir)).toEqual(['main.log']);
    log.write('next\n');
    expect(readdirSync(dir).toSorted()).toEqual(['main.1.log', 'main.log']);
    expect(statSync(join(dir, 'main.1.log')).size).toBe(1024 * 1024);
  });

  it('survives a failing disk: the line is still in memory', () => {
    const log = new FileLog({ dir, maxBytes: 1000 });
    rmSync(dir, { recursive: true, force: true });
    expect(() => log.write('lost on disk\n')).not.toThrow();
    expect(log.recent()).toEqual(['lost on disk\n']);
    expect(existsSync(log.path)).toBe(false);
  });

  it('keeps non-ASCII logs under maxBytes too', () => {
    const log = new FileLog({ dir, maxBytes: 70, keep: 5 });
    for (let i = 0; i < 6; i++) log.write('来电：张三李四王五\n');
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(70);
  });
});

describe('FileLog: memory', () => {
  it('keeps the last memoryLines lines, oldest first', () => {
    const log = new FileLog({ dir, memoryLines: 3 });
    for (let i = 0; i < 5; i++) log.write(line('m', i));
    expect(log.recent()).toEqual([line('m', 2), line('m', 3), line('m', 4)]);
  });

  it('keeps lines in memory across rotations', () => {
    const log = new FileLog({ dir, maxBytes: 10, keep: 1, memoryLines: 10 });
    for (let i = 0; i < 4; i++) log.write(line('r', i));
    expect(log.recent()).toHaveLength(4);
  });

  it('recent() is a copy', () => {
    const log = new FileLog({ dir });
    log.write('a\n');
    log.recent().push('tampered');
    expect(log.recent()).toEqual(['a\n']);
  });
});
