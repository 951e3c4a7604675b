import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import type { PolicySourceReading } from '../policy/Policy.ts';
import { errorMessage } from '../../shared/errors.ts';

/**
 * Reads IT policy where each OS keeps it, as raw values for resolvePolicy (src/main/policy).
 * Highest precedence first:
 *   Windows: HKLM\Software\Policies\Ringdesk, then HKCU\Software\Policies\Ringdesk (via reg.exe)
 *   macOS:   /Library/Managed Preferences/<appId>.plist, then …/<user>/<appId>.plist (via plutil)
 *   any OS:  the JSON file named by RINGDESK_POLICY_FILE, then ringdesk-policy.json beside the
 *            executable.
 * A source that does not exist is simply absent; one that exists but cannot be read becomes a
 * reading with an error (a warning later). Nothing here throws. No electron: tested on Linux
 * with an injected exec and file reader.
 */

export const POLICY_FILE_ENV = 'RINGDESK_POLICY_FILE';
export const POLICY_FILE_NAME = 'ringdesk-policy.json';
export const REGISTRY_KEYS = ['HKLM\\Software\\Policies\\Ringdesk', 'HKCU\\Software\\Policies\\Ringdesk'] as const;
/** A policy file is a handful of keys; anything this big is a mistake, not a policy. */
const MAX_FILE_BYTES = 64 * 1024;
const EXEC_TIMEOUT_MS = 5_000;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}
export type Exec = (file: string, args: readonly string[]) => Promise<ExecResult>;
/** null: the file does not exist. */
export type ReadText = (path: string) => Promise<string | null>;

export interface PolicySourceOptions {
  platform: NodeJS.Platform;
  appId: string;
  /** process.execPath: the JSON file may sit beside it. */
  execPath: string;
  env: Record<string, string | undefined>;
  userName: string;
  exec?: Exec;
  readText?: ReadText;
}

const defaultExec: Exec = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: EXEC_TIMEOUT_MS, windowsHide: true, encoding: 'utf8', maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && typeof err.code !== 'number' ? err.message : '') });
    });
  });

const defaultReadText: ReadText = async (path) => {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return null;
    throw e;
  }
  if (size > MAX_FILE_BYTES) throw new Error(`it is ${size} bytes; a policy file is at most ${MAX_FILE_BYTES}`);
  return readFile(path, 'utf8');
};

/** `reg query` output → value name → value (DWORDs as numbers, REG_MULTI_SZ as string lists). */
export function parseRegQuery(stdout: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const line of stdout.split(/\r?\n/)) {
    // Values are indented by 4 spaces; subkeys and the key's own path are not.
    const m = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (!m) continue;
    const [, name = '', type, data = ''] = m;
    if (name === '(Default)') continue;
    switch (type) {
      case 'REG_DWORD':
      case 'REG_QWORD':
        values[name] = Number.parseInt(data, 16);
        break;
      case 'REG_MULTI_SZ':
        values[name] = data === '' ? [] : data.split('\\0');
        break;
      default:
        // REG_SZ, REG_EXPAND_SZ; anything else arrives as text and fails its key's check.
        values[name] = data;
    }
  }
  return values;
}

async function readRegistry(key: string, exec: Exec): Promise<PolicySourceReading | null> {
  const r = await exec('reg.exe', ['query', key]);
  if (r.code === 0) return { name: key, values: parseRegQuery(r.stdout) };
  // reg.exe says "unable to find" (exit 1) for a key no policy created: not an error.
  if (/unable to find/i.test(r.stderr) || (r.code === 1 && r.stderr.trim() === '')) return null;
  return { name: key, error: (r.stderr.trim() || `reg.exe exited with ${r.code}`).slice(0, 200) };
}

async function readManagedPlist(path: string, exec: Exec, readText: ReadText): Promise<PolicySourceReading | null> {
  try {
    if ((await readText(path)) === null) return null;
  } catch (e) {
    return { name: path, error: errorMessage(e) };
  }
  // plutil reads binary and XML plists alike; JSON out keeps our parsing one format.
  const r = await exec('/usr/bin/plutil', ['-convert', 'json', '-o', '-', path]);
  if (r.code !== 0) return { name: path, error: (r.stderr.trim() || `plutil exited with ${r.code}`).slice(0, 200) };
  return jsonReading(path, r.stdout);
}

function jsonReading(name: string, text: string): PolicySourceReading {
  try {
    return { name, values: JSON.parse(text) as unknown }; // checked key by key in resolvePolicy
  } catch (e) {
    return { name, error: `it is not valid JSON (${errorMessage(e)})` };
  }
}

async function readJsonFile(path: string, readText: ReadText, mustExist: boolean): Promise<PolicySourceReading | null> {
  try {
    const text = await readText(path);
    if (text === null) return mustExist ? { name: path, error: `${POLICY_FILE_ENV} names this file, but it does not exist` } : null;
    return jsonReading(path, text);
  } catch (e) {
    return { name: path, error: errorMessage(e) };
  }
}

/** Every policy source of this OS that exists, highest precedence first. */
export async function readPolicySources(o: PolicySourceOptions): Promise<PolicySourceReading[]> {
  const exec = o.exec ?? defaultExec;
  const readText = o.readText ?? defaultReadText;
  const found: (PolicySourceReading | null)[] = [];
  if (o.platform === 'win32') {
    for (const key of REGISTRY_KEYS) found.push(await readRegistry(key, exec));
  } else if (o.platform === 'darwin') {
    const base = '/Library/Managed Preferences';
    found.push(await readManagedPlist(`${base}/${o.appId}.plist`, exec, readText));
    if (/^[\w.-]+$/.test(o.userName)) found.push(await readManagedPlist(`${base}/${o.userName}/${o.appId}.plist`, exec, readText));
  }
  const envFile = o.env[POLICY_FILE_ENV]?.trim();
  if (envFile) found.push(await readJsonFile(envFile, readText, true));
  const path = o.platform === 'win32' ? win32 : posix;
  found.push(await readJsonFile(path.join(path.dirname(o.execPath), POLICY_FILE_NAME), readText, false));
  return found.filter((r): r is PolicySourceReading => r !== null);
}
