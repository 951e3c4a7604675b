import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractFile, listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Packages the app for real, with no Electron binary: electron-builder's Linux `dir` target over a
// stand-in Electron folder, then reads what ended up in app.asar. It proves the file filters
// (electron-builder.yml `files`) and the dependency split (dependencies ship, devDependencies and
// the server workspace do not) on any machine, CI included.

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const ELECTRON_VERSION = '45.4.1';
/** Under the size at which we would want to know what grew (about 4 MB today). */
const ASAR_BUDGET_BYTES = 12 * 1024 * 1024;
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
/** electron-vite build (when out/ is missing) plus electron-builder, on 2 cores. */
const TIMEOUT_MS = 300_000;

/** What electron-builder copies from an Electron folder: an executable named electron and a few files. */
function makeStandInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stand-in for Electron; packaging check only" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), ELECTRON_VERSION);
  for (const f of ['LICENSE', 'LICENSES.chromium.html', 'chrome-sandbox']) writeFileSync(join(dir, f), '');
}

let work: string;
let asarPath: string;
let entries: string[];
let durationMs: number;

beforeAll(async () => {
  const started = Date.now();
  if (!BUILT.every((f) => existsSync(join(ROOT, f)))) {
    await run(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  }
  work = mkdtempSync(join(tmpdir(), 'ringdesk-pack-'));
  const electronDist = join(work, 'electron');
  makeStandInElectron(electronDist);
  const output = join(work, 'dist');
  await run(
    process.execPath,
    [join(ROOT, 'node_modules/electron-builder/cli.js'), '--linux', 'dir', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
    // No signing material must be needed: clear it so a developer's own certificate is never used here.
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CSC_LINK: '', CSC_KEY_PASSWORD: '', CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  asarPath = join(output, 'linux-unpacked', 'resources', 'app.asar');
  entries = listPackage(asarPath, { isPack: false });
  durationMs = Date.now() - started;
}, TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }; // our own package.json
const modules = (): Set<string> => new Set(entries.flatMap((e) => /^[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(e)?.[1]?.replace('\\', '/') ?? []));
const posix = (e: string): string => e.replaceAll('\\', '/');

describe('the packaged app (Linux dir build over a stand-in Electron)', () => {
  it('contains the built main, preload and renderer', () => {
    const files = entries.map(posix);
    for (const f of BUILT) expect(files).toContain(`/${f}`);
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    const packaged = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as { main?: string }; // the packaged copy of package.json
    expect(packaged.main).toBe('./out/main/index.js');
  });

  it('ships the runtime dependencies of main', () => {
    const shipped = modules();
    for (const dep of Object.keys(pkg.dependencies ?? {})) expect(shipped).toContain(dep);
  });

  it('leaves out the server, mediasoup, sources, tests, source maps and every dev dependency', () => {
    const files = entries.map(posix);
    expect(files.filter((f) => /^\/(server|src|test|tools|scripts|bench|docs|build)(\/|$)/.test(f))).toEqual([]);
    expect(files.filter((f) => /mediasoup/.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(test|spec)\.[cm]?[jt]s$|\.map$|\.tsx?$/.test(f))).toEqual([]);
    const shipped = modules();
    const leaked = Object.keys(pkg.devDependencies ?? {}).filter((d) => shipped.has(d));
    expect(leaked).toEqual([]);
    // The server's own packages (Redis and Postgres clients, mediasoup, ws, prom-client) are not the app's.
    const serverPkg = JSON.parse(readFileSync(join(ROOT, 'server', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }; // our own package.json
    expect(Object.keys(serverPkg.dependencies ?? {}).filter((d) => shipped.has(d))).toEqual([]);
  });

  it('writes the update feed file electron-updater reads', () => {
    const yml = readFileSync(join(asarPath, '..', 'app-update.yml'), 'utf8');
    expect(yml).toMatch(/^provider: generic$/m);
    expect(yml).toMatch(/^url: https:\/\//m);
  });

  it('stays within its size budget (and says how big it is)', () => {
    const size = statSync(asarPath).size;
    process.stdout.write(`app.asar: ${(size / 1024 / 1024).toFixed(2)} MiB, ${entries.length} entries; packaging check took ${(durationMs / 1000).toFixed(1)} s\n`);
    expect(size).toBeGreaterThan(100 * 1024);
    expect(size).toBeLessThan(ASAR_BUDGET_BYTES);
  });
});
