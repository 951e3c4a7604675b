import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js, proven on files that break them. Each snippet is linted as
// if it lived at `filePath` (the imports it names are real files, so the resolver sees them).

const ROOT = join(import.meta.dirname, '..', '..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function lint(filePath: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe('layers enforced by lint', () => {
  it.each<[string, string, string, string, RegExp]>([
    ['a renderer file importing src/main', 'src/renderer/src/views/Probe.ts', "import { DesktopCore } from '../../../main/app/DesktopCore.ts';\nexport const x = DesktopCore;\n", 'import-x/no-restricted-paths', /renderer may only import src\/shared/],
    ['a renderer file importing the server', 'src/renderer/src/Probe.ts', "import { startServer } from '../../../server/app.ts';\nexport const x = startServer;\n", 'import-x/no-restricted-paths', /renderer may only import/],
    ['main importing a renderer store', 'src/main/app/Probe.ts', "import { useCallsStore } from '../../renderer/src/stores/calls.ts';\nexport const x = useCallsStore;\n", 'import-x/no-restricted-paths', /Main may only import src\/shared/],
    ['main importing the server', 'src/main/app/Probe.ts', "import { Logger } from '../../../server/logger.ts';\nexport const x = Logger;\n", 'import-x/no-restricted-paths', /Main may only import/],
    ['the server importing main', 'server/domain/Probe.ts', "import { DesktopCore } from '../../src/main/app/DesktopCore.ts';\nexport const x = DesktopCore;\n", 'import-x/no-restricted-paths', /server may only import src\/shared/],
    ['the server importing the renderer', 'server/domain/Probe.ts', "import { useCallsStore } from '../../src/renderer/src/stores/calls.ts';\nexport const x = useCallsStore;\n", 'import-x/no-restricted-paths', /server may only import src\/shared/],
    ['src/shared importing from main', 'src/shared/call/Probe.ts', "import { Logger } from '../../main/log/Logger.ts';\nexport const x = Logger;\n", 'import-x/no-restricted-paths', /src\/shared is pure/],
    ['src/shared importing from tools', 'src/shared/Probe.ts', "import { newHostToken } from '../../tools/headless-host/handshake.ts';\nexport const x = newHostToken;\n", 'import-x/no-restricted-paths', /src\/shared is pure/],
    ['the preload importing node:fs', 'src/preload/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'no-restricted-imports', /No Node built-ins/],
    ['the preload importing fs (no node: prefix)', 'src/preload/probe.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n", 'no-restricted-imports', /No Node built-ins/],
    ['the preload importing main code', 'src/preload/probe.ts', "import { Logger } from '../main/log/Logger.ts';\nexport const x = Logger;\n", 'import-x/no-restricted-paths', /preload may only import src\/shared/],
    ['electron in main outside platform/electron*.ts', 'src/main/app/Probe.ts', "import { app } from 'electron';\nexport const x = app;\n", 'no-restricted-imports', /electron\*\.ts and src\/preload may import electron/],
    ['electron in a non-electron platform file', 'src/main/platform/headlessProbe.ts', "import { app } from 'electron';\nexport const x = app;\n", 'no-restricted-imports', /may import electron/],
    ['electron in the renderer', 'src/renderer/src/Probe.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", 'no-restricted-imports', /may import electron/],
    ['electron in the server', 'server/Probe.ts', "import { app } from 'electron';\nexport const x = app;\n", 'no-restricted-imports', /may import electron/],
  ])('%s fails lint', async (_name, filePath, code, rule, message) => {
    const problems = await lint(filePath, code);
    expect(problems.filter((p) => p.rule === rule)).toEqual([{ rule, message: expect.stringMatching(message) }]);
  });

  it.each<[string, string, string]>([
    ['an electron adapter importing electron and src/shared', 'src/main/platform/electronProbe.ts', "import { app } from 'electron';\nimport { assertNever } from '../../shared/assertNever.ts';\nexport const x = [app, assertNever];\n"],
    ['the preload importing electron and src/shared', 'src/preload/probe.ts', "import { contextBridge } from 'electron';\nimport { INVOKE_CHANNELS } from '../shared/ipc/channels.ts';\nexport const x = [contextBridge, INVOKE_CHANNELS];\n"],
    ['src/shared importing zod and itself', 'src/shared/call/Probe.ts', "import { z } from 'zod';\nimport { assertNever } from '../assertNever.ts';\nexport const x = [z, assertNever];\n"],
    ['the renderer importing src/shared and its own store', 'src/renderer/src/views/Probe.ts', "import { EVENTS } from '../../../shared/ipc/contract.ts';\nimport { useCallsStore } from '../stores/calls.ts';\nexport const x = [EVENTS, useCallsStore];\n"],
    ['the server importing src/shared', 'server/domain/Probe.ts', "import { ERROR_CODES } from '../../src/shared/errors.ts';\nexport const x = ERROR_CODES;\n"],
    // Tests may reach across layers for fakes and generators; they never ship.
    ['a preload test using main’s fake Electron', 'src/preload/probe.test.ts', "import { FakeEvent } from '../main/platform/fakeElectron.ts';\nexport const x = FakeEvent;\n"],
  ])('%s passes', async (_name, filePath, code) => {
    expect(await lint(filePath, code)).toEqual([]);
  });
});
