import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { UserIdSchema, type UserId } from '../../src/shared/protocol/index.ts';
import { hashPassword, parseScryptHash, type ScryptParams } from '../auth/passwords.ts';
import type { Store, UserRow } from '../store/Store.ts';
import { parseCsv } from './csv.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const COLUMNS = ['userId', 'displayName', 'password', 'passwordHash', 'disabled'] as const;
type Column = (typeof COLUMNS)[number];
/** Rows written per transaction: large enough to amortise the commit, small enough not to hold the lock for long. */
const BATCH = 500;
const MAX_NAME = 64;

interface RawRow {
  /** `line 7` (CSV) or `index 6` (JSON), for the report. */
  where: string;
  values: Partial<Record<Column, unknown>>;
}
export interface Rejected {
  where: string;
  reason: string;
}
type NewUser = Omit<UserRow, 'dnd' | 'tokensAfter'>;

export interface ImportOptions {
  format: string | undefined;
  scrypt: ScryptParams;
  minPasswordLength: number;
}

/**
 * `user import <file>`: checks every row, hashes the plain passwords in parallel, writes the good
 * rows in batched transactions and reports each rejected row with where it is and why.
 */
export async function importUsers(store: Store, path: string, o: ImportOptions): Promise<{ imported: number; rejected: Rejected[] }> {
  const rows = readRows(path, o.format);
  const rejected: Rejected[] = [];
  const existing = new Set<string>((await store.listUsers()).map((u) => u.userId));
  const seen = new Map<string, string>();
  const good: { row: RawRow; user: Omit<NewUser, 'passwordHash'>; password?: string; hash?: string }[] = [];
  const now = Date.now();
  for (const row of rows) {
    const reason = checkRow(row, o.minPasswordLength);
    if (typeof reason === 'string') {
      rejected.push({ where: row.where, reason });
      continue;
    }
    const first = seen.get(reason.user.userId);
    if (first) rejected.push({ where: row.where, reason: `duplicate user id ${reason.user.userId} (first at ${first})` });
    else if (existing.has(reason.user.userId)) rejected.push({ where: row.where, reason: `user ${reason.user.userId} already exists` });
    else {
      seen.set(reason.user.userId, row.where);
      good.push({ row, user: { ...reason.user, createdAt: now }, ...reason.secret });
    }
  }
  // scrypt runs on libuv's thread pool: one hash per core keeps every core busy and no more.
  const hashed: NewUser[] = new Array<NewUser>(good.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < good.length) {
      const i = next++;
      const g = good[i] as (typeof good)[number]; // i < good.length
      hashed[i] = { ...g.user, passwordHash: g.hash ?? (await hashPassword(g.password ?? '', o.scrypt)) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  let imported = 0;
  for (let i = 0; i < hashed.length; i += BATCH) {
    const batch = hashed.slice(i, i + BATCH);
    try {
      await store.createUsers(batch);
      imported += batch.length;
    } catch {
      // Someone added one of these ids meanwhile (or the disk failed): retry one by one to say which.
      for (const [k, u] of batch.entries()) {
        try {
          await store.createUser(u);
          imported++;
        } catch (e) {
          rejected.push({ where: good[i + k]?.row.where ?? u.userId, reason: `not stored: ${errorMessage(e)}` });
        }
      }
    }
  }
  return { imported, rejected };
}

function readRows(path: string, format: string | undefined): RawRow[] {
  const kind = format ?? extname(path).slice(1).toLowerCase();
  if (kind !== 'csv' && kind !== 'json') throw new Error(`cannot tell the format of ${path}: name it .csv or .json, or pass --format csv|json`);
  const text = readFileSync(path, 'utf8');
  if (kind === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new Error(`${path} is not valid JSON: ${errorMessage(e)}`);
    }
    const list = Array.isArray(data) ? data : data !== null && typeof data === 'object' && Array.isArray((data as { users?: unknown }).users) ? (data as { users: unknown[] }).users : null;
    if (!list) throw new Error(`${path}: expected an array of users, or {"users": [...]}`);
    return list.map((v, i) => ({ where: `index ${i}`, values: v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Partial<Record<Column, unknown>>) : { userId: v } })); // fields checked per row
  }
  const [header, ...records] = parseCsv(text);
  if (!header) return [];
  const cols = header.fields.map((h) => h.trim());
  const unknown = cols.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0 || !cols.includes('userId')) {
    throw new Error(`${path}: the header must name userId and only ${COLUMNS.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  }
  return records.map((r) => {
    if (r.fields.length !== cols.length) return { where: `line ${r.line}`, values: { userId: undefined, [BAD_WIDTH]: `${r.fields.length} fields, the header has ${cols.length}` } };
    return { where: `line ${r.line}`, values: Object.fromEntries(cols.map((c, i) => [c, r.fields[i]])) };
  });
}
const BAD_WIDTH = 'badWidth' as Column; // a marker the row check reports; never a real column

function checkRow(row: RawRow, minLen: number): string | { user: { userId: UserId; displayName: string; disabled: boolean }; secret: { password: string } | { hash: string } } {
  const v = row.values;
  const width = (v as Record<string, unknown>)[BAD_WIDTH];
  if (typeof width === 'string') return width;
  const id = UserIdSchema.safeParse(typeof v.userId === 'string' ? v.userId.trim() : v.userId);
  if (!id.success) return `bad user id ${JSON.stringify(v.userId ?? null)}: ${id.error.issues[0]?.message ?? 'invalid'}`;
  const name = v.displayName === undefined || v.displayName === '' ? id.data : v.displayName;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) return `displayName must be 1–${MAX_NAME} characters`;
  const disabled = v.disabled === undefined || v.disabled === '' ? false : v.disabled === true || v.disabled === 'true' || v.disabled === '1' ? true : v.disabled === false || v.disabled === 'false' || v.disabled === '0' ? false : null;
  if (disabled === null) return 'disabled must be true or false';
  const pw = v.password === '' ? undefined : v.password;
  const hash = v.passwordHash === '' ? undefined : v.passwordHash;
  if (pw !== undefined && hash !== undefined) return 'give password or passwordHash, not both';
  let secret: { password: string } | { hash: string };
  if (hash !== undefined) {
    if (typeof hash !== 'string' || !parseScryptHash(hash)) return 'passwordHash is not an scrypt hash (scrypt$N$r$p$salt$hash, base64url)';
    secret = { hash };
  } else {
    if (typeof pw !== 'string' || pw.length === 0) return 'no password or passwordHash';
    if (pw.length < minLen) return `password shorter than ${minLen} characters`;
    secret = { password: pw };
  }
  return { user: { userId: id.data, displayName: name.trim(), disabled }, secret };
}
