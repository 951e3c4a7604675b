import { randomBytes } from 'node:crypto';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Store } from '../store/Store.ts';

export const DEMO_USERS = [
  ['alice', 'Alice Chen'],
  ['bob', 'Bob Martin'],
  ['carol', 'Carol Diaz'],
  ['dave', 'Dave Li'],
] as const;

/** On an empty database, creates a few accounts so a newcomer can place a call at once; prints their passwords once. */
export async function seedDemoAccounts(store: Store, out: (line: string) => void): Promise<boolean> {
  if ((await store.listUsers()).length > 0) return false;
  out('Empty database: created demo accounts (user / password):');
  for (const [id, name] of DEMO_USERS) {
    const password = `${id}-${randomBytes(4).toString('hex')}`;
    await store.createUser({ userId: asUserId(id), displayName: name, passwordHash: await hashPassword(password), disabled: false, createdAt: Date.now() });
    out(`  ${id} / ${password}`);
  }
  out('Reset one with: node server/index.ts user passwd <id> (the new password on stdin)');
  return true;
}
