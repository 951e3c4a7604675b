// The admin CLI as IT runs it: separate processes beside a running server on the same SQLite file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import { admin } from './adminProcess.ts';
import { RawClient } from './badInput.raw.ts';
import { connect, startTestServer, type TestServer } from './harness.ts';

let srv: TestServer;
afterEach(async () => {
  await srv.close();
});

const file = (name: string, text: string): string => {
  const p = join(mkdtempSync(join(tmpdir(), 'ringdesk-import-')), name);
  writeFileSync(p, text);
  return p;
};
async function canSignIn(user: string, password: string): Promise<boolean> {
  const c = await RawClient.open(srv.url);
  const r = await c.login(user, `${user}-check`, password);
  c.ws.close();
  return 'result' in r;
}

it('user add beside a running server, five at once while clients sign in: all added, each can sign in at once', async () => {
  srv = await startTestServer(['alice']);
  const signIns = Array.from({ length: 6 }, (_, i) => connect(srv.url, 'alice', `alice-${i}`));
  const adds = ['erin', 'frank', 'gina', 'hugo', 'ivan'].map((u) => admin(['add', u, '--name', `${u} (new)`], srv.dbPath, { stdin: `${u}-long-password\n` }));
  const runs = await Promise.all(adds);
  for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^added \w+\n$/) });
  for (const c of await Promise.all(signIns)) c.sig.close();
  expect(await canSignIn('erin', 'erin-long-password')).toBe(true);
  expect(await canSignIn('ivan', 'ivan-long-password')).toBe(true);
});

it('--password is refused with the reason and what to use; RINGDESK_PASSWORD works; a short password is refused', async () => {
  srv = await startTestServer(['alice']);
  const flag = await admin(['add', 'erin', '--password', 'long-enough-pw'], srv.dbPath);
  expect(flag.code).toBe(2);
  expect(flag.stderr).toMatch(/--password is refused.*visible.*stdin.*RINGDESK_PASSWORD/s);
  expect((await admin(['list'], srv.dbPath)).stdout).not.toContain('erin');

  expect(await admin(['add', 'erin'], srv.dbPath, { env: { RINGDESK_PASSWORD: 'from-the-environment' } })).toMatchObject({ code: 0 });
  expect(await canSignIn('erin', 'from-the-environment')).toBe(true);
  const short = await admin(['add', 'frank'], srv.dbPath, { stdin: 'short\n' });
  expect(short.code).toBe(1);
  expect(short.stderr).toMatch(/at least 8 characters.*stdin.*RINGDESK_PASSWORD/);
  expect((await admin(['add', 'alice'], srv.dbPath, { stdin: 'long-enough-pw\n' })).stderr).toMatch(/already exists/);
});

it('user import (CSV): good rows are created in one pass, each bad row is reported with its line and why', async () => {
  srv = await startTestServer(['alice']);
  const preHashed = await hashPassword('pre-hashed-password', { N: 1024, r: 8, p: 1 });
  const csv = file(
    'people.csv',
    [
      'userId,displayName,password,passwordHash,disabled',
      'erin,Erin Park,erin-long-password,,',
      '"frank","Frank, ""the Tank""\nJones",frank-long-password,,false', // quoted comma, quote and newline: lines 3–4
      'Bad Id,Bad,some-long-password,,',
      'erin,Erin Again,another-long-password,,',
      'gina,Gina,short,,',
      'alice,Alice Twin,alice-long-password,,',
      `hugo,Hugo,,${preHashed},`,
      'ivan,Ivan,,scrypt$not$a$hash,',
      'jane,Jane,jane-long-password',
      'kim,Kim,kim-long-password,,maybe',
      'lee,Lee,lee-long-password,,true',
      '',
    ].join('\n'),
  );
  const r = await admin(['import', csv], srv.dbPath);
  expect(r.code).toBe(1);
  expect(r.stdout.trim().split('\n')).toEqual([
    'rejected line 5: bad user id "Bad Id": user ids are 1-64 chars: lower-case letters, digits, . _ -',
    'rejected line 6: duplicate user id erin (first at line 2)',
    'rejected line 7: password shorter than 8 characters',
    'rejected line 8: user alice already exists',
    'rejected line 10: passwordHash is not an scrypt hash (scrypt$N$r$p$salt$hash, base64url)',
    'rejected line 11: 3 fields, the header has 5',
    'rejected line 12: disabled must be true or false',
    'imported 4, rejected 7',
  ]);
  expect(await canSignIn('erin', 'erin-long-password')).toBe(true);
  expect(await canSignIn('frank', 'frank-long-password')).toBe(true);
  expect(await canSignIn('hugo', 'pre-hashed-password')).toBe(true);
  expect(await canSignIn('lee', 'lee-long-password')).toBe(false); // imported disabled
  expect((await admin(['list'], srv.dbPath)).stdout).toContain('frank\tFrank, "the Tank"\nJones\tactive');
});

it('user import (JSON): rows are reported by index; a file that is not a list is refused as a whole', async () => {
  srv = await startTestServer([]);
  const json = file(
    'people.json',
    JSON.stringify({
      users: [
        { userId: 'erin', displayName: 'Erin', password: 'erin-long-password' },
        { userId: 'frank', password: 'frank-long-password', passwordHash: 'scrypt$x' },
        { userId: 42, password: 'long-enough-pw' },
        { userId: 'gina' },
        'not-an-object',
      ],
    }),
  );
  const r = await admin(['import', json], srv.dbPath);
  expect(r.stdout.trim().split('\n')).toEqual([
    'rejected index 1: give password or passwordHash, not both',
    expect.stringMatching(/^rejected index 2: bad user id 42: /),
    'rejected index 3: no password or passwordHash',
    'rejected index 4: no password or passwordHash',
    'imported 1, rejected 4',
  ]);
  const notList = await admin(['import', file('x.json', '{"people": 3}')], srv.dbPath);
  expect(notList).toMatchObject({ code: 1, stderr: expect.stringContaining('expected an array of users') });
  const badHeader = await admin(['import', file('x.csv', 'user,password\nerin,x\n')], srv.dbPath);
  expect(badHeader).toMatchObject({ code: 1, stderr: expect.stringContaining('header must name userId') });
});
