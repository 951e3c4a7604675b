import { UserIdSchema } from '../../src/shared/protocol/index.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Store } from '../store/Store.ts';

export const MIN_PASSWORD_LENGTH = 8;

/** `user add|list|disable|enable|passwd|rename`. Returns the exit code; prints through `out`. */
export async function runUserCommand(
  store: Store,
  args: string[],
  opts: { password: string | undefined; name: string | undefined },
  out: (line: string) => void,
): Promise<number> {
  const [sub, id] = args;
  const needId = () => {
    const r = UserIdSchema.safeParse(id);
    if (!r.success) throw new Error(`a user id is required: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return r.data;
  };
  const needPassword = () => {
    if (!opts.password || opts.password.length < MIN_PASSWORD_LENGTH) throw new Error(`--password of at least ${MIN_PASSWORD_LENGTH} characters is required`);
    return opts.password;
  };
  switch (sub) {
    case 'add': {
      const userId = needId();
      if (await store.getUser(userId)) throw new Error(`user ${userId} already exists`);
      await store.createUser({ userId, displayName: opts.name ?? userId, passwordHash: await hashPassword(needPassword()), disabled: false, createdAt: Date.now() });
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
      out(`${sub}d ${userId}`);
      return 0;
    }
    case 'passwd': {
      const userId = needId();
      if (!(await store.setPassword(userId, await hashPassword(needPassword())))) throw new Error(`no user ${userId}`);
      out(`password changed for ${userId}`);
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
    default:
      throw new Error(`unknown user command "${sub ?? ''}": use add, list, disable, enable, passwd or rename`);
  }
}
