import { UserIdSchema } from '../../src/shared/protocol/index.ts';
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams } from '../auth/passwords.ts';
import type { Store } from '../store/Store.ts';
import { importUsers } from './importUsers.ts';

export const MIN_PASSWORD_LENGTH = 8;
export const USER_COMMANDS = 'add, list, disable, enable, passwd, signout, rename or import';

export interface UserCommandOptions {
  /** From stdin or RINGDESK_PASSWORD (server/cli/password.ts), never from the command line. */
  password: string | undefined;
  name: string | undefined;
  /** For `import`: csv or json; otherwise taken from the file name. */
  format?: string | undefined;
  /** The cost for new hashes: the server's configured `scrypt`. */
  scrypt?: ScryptParams;
}

/** `user add|list|disable|enable|passwd|signout|rename|import`. Returns the exit code; prints through `out`. */
export async function runUserCommand(store: Store, args: string[], opts: UserCommandOptions, out: (line: string) => void): Promise<number> {
  const [sub, id] = args;
  const cost = opts.scrypt ?? DEFAULT_SCRYPT;
  const needId = () => {
    const r = UserIdSchema.safeParse(id);
    if (!r.success) throw new Error(`a user id is required: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return r.data;
  };
  const needPassword = () => {
    if (!opts.password || opts.password.length < MIN_PASSWORD_LENGTH) {
      throw new Error(`a password of at least ${MIN_PASSWORD_LENGTH} characters is required (one line on stdin, or RINGDESK_PASSWORD)`);
    }
    return opts.password;
  };
  switch (sub) {
    case 'add': {
      const userId = needId();
      const password = needPassword();
      if (await store.getUser(userId)) throw new Error(`user ${userId} already exists`);
      await store.createUser({ userId, displayName: opts.name ?? userId, passwordHash: await hashPassword(password, cost), disabled: false, createdAt: Date.now() });
      out(`added ${userId}`);
      return 0;
    }
    case 'list':
      for (const u of await store.listUsers()) out(`${u.userId}\t${u.displayName}\t${u.disabled ? 'disabled' : 'active'}`);
      return 0;
    case 'disable':
    case 'enable': {
      const userId = needId();
      if (!(await store.setUserDisabled(userId, sub === 'disable'))) throw new Error(`no user ${userId}`);
      out(sub === 'disable' ? `disabled ${userId}; a running server closes their connections` : `enabled ${userId}`);
      return 0;
    }
    case 'passwd': {
      const userId = needId();
      if (!(await store.setPassword(userId, await hashPassword(needPassword(), cost)))) throw new Error(`no user ${userId}`);
      out(`password changed for ${userId}; signed out everywhere`);
      return 0;
    }
    case 'rename': {
      const userId = needId();
      const name = opts.name?.trim();
      if (!name) throw new Error('--name is required');
      if (!(await store.setDisplayName(userId, name))) throw new Error(`no user ${userId}`);
      out(`renamed ${userId} to ${name}`);
      return 0;
    }
    case 'signout': {
      const userId = needId();
      if (!(await store.revokeUserSessions(userId, 'signout', null, Date.now()))) throw new Error(`no user ${userId}`);
      out(`signed ${userId} out everywhere`);
      return 0;
    }
    case 'import': {
      if (!id) throw new Error('user import needs a file: user import <file.csv|file.json> [--format csv|json]');
      const r = await importUsers(store, id, { format: opts.format, scrypt: cost, minPasswordLength: MIN_PASSWORD_LENGTH });
      for (const rej of r.rejected) out(`rejected ${rej.where}: ${rej.reason}`);
      out(`imported ${r.imported}, rejected ${r.rejected.length}`);
      return r.rejected.length > 0 ? 1 : 0;
    }
    default:
      throw new Error(`unknown user command "${sub ?? ''}": use ${USER_COMMANDS}`);
  }
}
