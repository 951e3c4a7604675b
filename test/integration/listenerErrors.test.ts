// A listener that throws is a bug; the server and the desktop app log it instead of losing it
// (TypedEmitter's process-wide sink, wired by startServer and composeApp).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHeadlessHost } from '../../tools/headless-host/host.ts';
import { Logger } from '../../src/main/log/Logger.ts';
import { setListenerErrorSink, TypedEmitter } from '../../src/shared/events.ts';
import { startTestServer } from './harness.ts';

class Probe extends TypedEmitter<{ ping: [] }> {
  ping(): void {
    this.emit('ping');
  }
}
const throwing = (): Probe => {
  const p = new Probe();
  p.on('ping', () => {
    throw new Error('listener bug 42');
  });
  return p;
};

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

describe('listener errors reach the log', () => {
  it('the server: startServer wires its logger', async () => {
    cleanup.push(setListenerErrorSink(null)); // start from the console default, restore afterwards
    const t = await startTestServer([]);
    cleanup.push(() => t.close());
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    throwing().ping();
    // The server logs JSON lines (server/logger.ts): one error line from the Listener logger.
    const lines = stderr.join('').split('\n').filter((l) => l.startsWith('{'));
    const logged = lines.map((l) => JSON.parse(l) as { level: string; logger: string; msg: string });
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', logger: 'Listener', msg: expect.stringMatching(/^Probe: a "ping" listener threw: Error: listener bug 42/) }));
  });

  it('the desktop app: composeApp wires main’s logger (file log included), and close() restores the default', async () => {
    const renderer = mkdtempSync(join(tmpdir(), 'ringdesk-renderer-'));
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
    const profile = mkdtempSync(join(tmpdir(), 'ringdesk-host-'));
    cleanup.push(() => {
      rmSync(renderer, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    });
    cleanup.push(setListenerErrorSink(null));
    const host = await startHeadlessHost({ rendererDir: renderer, userDataDir: profile });
    const lines: string[] = [];
    const off = Logger.addSink({ write: (l) => lines.push(l) });
    try {
      throwing().ping();
    } finally {
      off();
    }
    expect(lines.join('')).toMatch(/ERROR Listener: Probe: a "ping" listener threw: Error: listener bug 42/);
    await host.close();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    throwing().ping();
    expect(consoleError).toHaveBeenCalledTimes(1);
  });
});
