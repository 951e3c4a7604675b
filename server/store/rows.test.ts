import { describe, expect, it } from 'vitest';
import { dndOn, entryFromRow, storedUserId, userFromRow, type UserDbRow } from './rows.ts';

const row = (over: Partial<UserDbRow> = {}): UserDbRow => ({
  user_id: 'alice',
  display_name: 'Alice',
  password_hash: 'h',
  disabled: 0,
  created_at: 1,
  tokens_after: 0,
  dnd: '{"enabled":false,"allowList":[]}',
  ...over,
});

describe('reading user rows (the fast paths agree with the schemas)', () => {
  it('a stored user id passes only if the protocol would accept it; a damaged one throws', () => {
    expect(storedUserId('bob.smith-2')).toBe('bob.smith-2');
    for (const bad of ['', 'Bob', 'bob smith', '-bob', 'x'.repeat(65), 'bob\n']) expect(() => storedUserId(bad), JSON.stringify(bad)).toThrow();
    expect(() => entryFromRow({ user_id: 'Bad Id', display_name: 'x', dnd: '{}' })).toThrow();
  });

  it('dnd: the column default, a real status and garbage', () => {
    expect(dndOn('{"enabled":false,"allowList":[]}')).toBe(false);
    expect(dndOn('{"enabled":true,"allowList":["bob"]}')).toBe(true);
    expect(dndOn('{"allowList":[],"enabled":true}')).toBe(true);
    expect(dndOn('not json')).toBe(false);
    expect(userFromRow(row()).dnd).toEqual({ enabled: false, allowList: [] });
    expect(userFromRow(row({ dnd: '{"enabled":true,"allowList":["bob"]}' })).dnd).toEqual({ enabled: true, allowList: ['bob'] });
    expect(userFromRow(row({ dnd: '{"enabled":"yes"}' })).dnd).toEqual({ enabled: false, allowList: [] });
  });

  it('each row gets its own dnd object: a change to one user never shows on another', () => {
    const a = userFromRow(row());
    a.dnd.allowList.push(a.userId);
    expect(userFromRow(row({ user_id: 'bob' })).dnd.allowList).toEqual([]);
  });
});
