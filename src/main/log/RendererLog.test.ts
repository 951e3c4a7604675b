import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INVOKES } from '../../shared/ipc/contract.ts';
import { RENDERER_LOG_LIMITS } from '../../shared/ipc/log.ts';
import { FileLog } from './FileLog.ts';
import { Logger } from './Logger.ts';
import { RendererLog } from './RendererLog.ts';

let dir: string;
let file: FileLog;
let removeSink: () => void;
beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringdesk-rlog-'));
  file = new FileLog({ dir });
  removeSink = Logger.addSink(file);
});
afterEach(() => {
  removeSink();
  rmSync(dir, { recursive: true, force: true });
});
const mainLog = (): string => readFileSync(file.path, 'utf8');

describe('RendererLog: renderer warnings and errors in main.log and the export', () => {
  it('writes a renderer error to main.log and to the lines the diagnostics export takes', () => {
    const r = new RendererLog();
    expect(r.write({ level: 'error', scope: 'media', message: 'join failed: sfu_unavailable' })).toBe(true);
    r.write({ level: 'warn', scope: 'media', message: 'camera: permissionDenied' });
    expect(mainLog()).toMatch(/ERROR renderer: \[media\] join failed: sfu_unavailable\n/);
    expect(mainLog()).toMatch(/WARN renderer: \[media\] camera: permissionDenied\n/);
    expect(file.recent().join('')).toContain('[media] join failed: sfu_unavailable');
  });

  it('blanks control characters, so a page cannot forge a line of its own', () => {
    new RendererLog().write({ level: 'warn', scope: 'media', message: 'x\n2026-01-01T00:00:00.000Z ERROR ipc: forged' });
    const lines = mainLog().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('[media] x 2026-01-01T00:00:00.000Z ERROR ipc: forged');
  });

  it('takes at most `burst` lines per window, then one "dropped" line when the next window opens', () => {
    let now = 1_000;
    const r = new RendererLog({ now: () => now, burst: 3, windowMs: 10_000 });
    const wrote = Array.from({ length: 50 }, (_, i) => r.write({ level: 'warn', scope: 'media', message: `loop ${i}` }));
    expect(wrote.filter(Boolean)).toHaveLength(3);
    expect(mainLog().match(/loop/g)).toHaveLength(3);
    now += 10_000;
    expect(r.write({ level: 'error', scope: 'media', message: 'after the flood' })).toBe(true);
    expect(mainLog()).toContain('dropped 47 renderer log lines');
    expect(mainLog()).toContain('[media] after the flood');
  });

  it('the IPC contract refuses oversized messages, bad scopes and other levels', () => {
    const args = INVOKES.log.args;
    expect(args.safeParse({ level: 'warn', scope: 'media', message: 'ok' }).success).toBe(true);
    expect(args.safeParse({ level: 'warn', scope: 'media', message: 'x'.repeat(RENDERER_LOG_LIMITS.maxMessage + 1) }).success).toBe(false);
    expect(args.safeParse({ level: 'warn', scope: 'media\nERROR', message: 'x' }).success).toBe(false);
    expect(args.safeParse({ level: 'info', scope: 'media', message: 'x' }).success).toBe(false);
    expect(args.safeParse({ level: 'warn', scope: 'media', message: 'x', extra: 1 }).success).toBe(false);
  });
});
