// Bad input to the directory and presence requests, on the wire (a bare socket, so nothing the real
// client would check first gets in the way): each is refused with a stable code and the request's id,
// the message names the field (and the limit, where the schema has one), nothing changes, and the
// connection goes on: the next valid request on it succeeds.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asUserId, DIRECTORY_LIMITS } from '../../src/shared/protocol/index.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { cleanupSockets, errorOf, rawSession, type RawClient } from './badInput.raw.ts';

const { maxPageSize, maxQueryLength, maxFavorites, maxSubscribePerRequest } = DIRECTORY_LIMITS;
// One more than the favorites cap: `fan` fills the cap with the first ones and has one left to add.
const starred = Array.from({ length: maxFavorites + 1 }, (_, i) => `f${i}`);

// One server for the file: every test signs in its own user or device, and the refusals change nothing.
let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer(['alice', 'bob', 'carol', 'dave', 'erin', 'fan', ...starred]);
  expect(await srv.server.services.store.setUserDisabled(asUserId('dave'), true)).toBe(true);
});
afterEach(() => cleanupSockets());
afterAll(async () => {
  await srv.close();
});

/** Sends a request that must be refused; returns its error (the response is matched by the request's id). */
async function refused(c: RawClient, type: string, data: unknown): Promise<{ code: string; message: string }> {
  const r = await c.request(type, data);
  const e = errorOf(r);
  expect(e, `${type} ${JSON.stringify(data).slice(0, 80)} was accepted`).toBeDefined();
  return { code: e?.code ?? '', message: e?.message ?? '' };
}
/** Sends a request that must succeed; returns its result. */
async function ok(c: RawClient, type: string, data: unknown): Promise<Record<string, unknown>> {
  const r = await c.request(type, data);
  expect(errorOf(r)).toBeUndefined();
  expect(c.open).toBe(true);
  return (r as { result: Record<string, unknown> }).result;
}
const cursorOf = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');
const ids = (page: Record<string, unknown>): string[] => (page['users'] as { userId: string }[]).map((u) => u.userId);
const NOT_ISSUED = /^cursor: not a cursor this server issued/;

describe.each(['favoritesList', 'recentsList'])('%s with bad paging', (type) => {
  // favorites resume after one user id, recents after [seq, user id]: a key of the other length was never issued.
  const wrongArity = type === 'favoritesList' ? cursorOf([1, 'bob']) : cursorOf(['bob']);
  // The right length, the wrong types: recents once read Number("x") as its seq (Postgres: `internal`).
  const wrongTypes = type === 'favoritesList' ? cursorOf([5]) : cursorOf(['x', 'y']);
  it.each([
    ['a limit over the maximum', { limit: maxPageSize + 1 }, new RegExp(`^${type}: limit: .*\\b${maxPageSize}\\b`)],
    ['a limit of 0', { limit: 0 }, new RegExp(`^${type}: limit: `)],
    ['a negative limit', { limit: -5 }, new RegExp(`^${type}: limit: `)],
    ['a fractional limit', { limit: 2.5 }, new RegExp(`^${type}: limit: .*int`)],
    ['a limit sent as a string', { limit: '10' }, new RegExp(`^${type}: limit: `)],
    ['an empty cursor', { cursor: '' }, new RegExp(`^${type}: cursor: `)],
    ['a cursor over 512 characters', { cursor: 'A'.repeat(513) }, new RegExp(`^${type}: cursor: .*\\b512\\b`)],
    ['a cursor that is not a string', { cursor: 7 }, new RegExp(`^${type}: cursor: `)],
    ['a garbage cursor', { cursor: 'not-a-cursor!!' }, NOT_ISSUED],
    ['a cursor of JSON that is no key', { cursor: cursorOf({ after: 'bob' }) }, NOT_ISSUED],
    ['a cursor key of the wrong length', { cursor: wrongArity }, NOT_ISSUED],
    ['a cursor key of the wrong types', { cursor: wrongTypes }, NOT_ISSUED],
  ])('%s: bad_request naming the field, and the next page request works', async (_what, data, message) => {
    const c = await rawSession(srv.url, 'alice', `alice-${type}`);
    const e = await refused(c, type, data);
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(message);
    // The largest page is still allowed: the limit is inclusive, not clamped.
    expect(await ok(c, type, { limit: maxPageSize })).toMatchObject({ users: expect.any(Array), nextCursor: null });
  });
});

describe('directorySearch with a bad query', () => {
  it.each([
    ['a query over the maximum length', { query: 'a'.repeat(maxQueryLength + 1) }, new RegExp(`^directorySearch: query: .*\\b${maxQueryLength}\\b`)],
    ['a number for a query', { query: 42 }, /^directorySearch: query: /],
    ['null for a query', { query: null }, /^directorySearch: query: /],
    ['a list for a query', { query: ['bob'] }, /^directorySearch: query: /],
    ['a garbage cursor', { query: 'bob', cursor: 'not-a-cursor!!' }, NOT_ISSUED],
    ['a cursor key of numbers', { query: 'bob', cursor: cursorOf([1, 2]) }, NOT_ISSUED],
  ])('%s: bad_request naming the field, and the next search works', async (_what, data, message) => {
    const c = await rawSession(srv.url, 'carol');
    const e = await refused(c, 'directorySearch', data);
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(message);
    expect(ids(await ok(c, 'directorySearch', { query: 'bob' }))).toEqual(['bob']);
  });

  it('the length counts after trimming: the maximum padded with spaces is found', async () => {
    const c = await rawSession(srv.url, 'carol');
    const padded = `  ${'b'.repeat(maxQueryLength)}  `; // longer than the maximum on the wire, at it once trimmed
    expect(await ok(c, 'directorySearch', { query: padded })).toEqual({ users: [], nextCursor: null });
  });

  it('unknown fields are ignored, as the protocol says for every object', async () => {
    const c = await rawSession(srv.url, 'carol');
    const page = await ok(c, 'directorySearch', { query: 'bob', limit: 5, sort: 'desc', admin: true });
    expect(ids(page)).toEqual(['bob']);
  });
});

describe('favoritesAdd and favoritesRemove with bad input', () => {
  it.each([
    ['no userId', 'bad_request', {}, /^favoritesAdd: userId: /],
    ['a number for userId', 'bad_request', { userId: 5 }, /^favoritesAdd: userId: /],
    ['an id no account can have', 'bad_request', { userId: 'Bob!' }, /^favoritesAdd: userId: user ids are 1-64 chars/],
    ['yourself', 'bad_request', { userId: 'erin' }, /^favoritesAdd: you cannot add yourself$/],
    ['an unknown user', 'user_not_found', { userId: 'nobody' }, /^no user nobody$/],
    ['a disabled user', 'user_not_found', { userId: 'dave' }, /^no user dave$/],
  ])('adding %s: %s, nothing added, and the next add works', async (_what, code, data, message) => {
    const c = await rawSession(srv.url, 'erin');
    const e = await refused(c, 'favoritesAdd', data);
    expect(e).toEqual({ code, message: expect.stringMatching(message) });
    expect(await ok(c, 'favoritesAdd', { userId: 'bob' })).toMatchObject({ user: { userId: 'bob' } });
    expect(ids(await ok(c, 'favoritesList', {}))).toEqual(['bob']);
  });

  it.each([
    ['no userId', {}],
    ['a number for userId', { userId: 5 }],
    ['a list for userId', { userId: ['bob'] }],
    ['an id no account can have', { userId: 'Bob!' }],
  ])('removing with %s: bad_request naming userId, the favorite stays', async (_what, data) => {
    const c = await rawSession(srv.url, 'erin');
    await ok(c, 'favoritesAdd', { userId: 'bob' });
    const e = await refused(c, 'favoritesRemove', data);
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/^favoritesRemove: userId: /);
    expect(ids(await ok(c, 'favoritesList', {}))).toEqual(['bob']);
  });

  it('removing someone who is no favorite answers removed: false and tells no other device', async () => {
    const d1 = await rawSession(srv.url, 'bob', 'bob-d1');
    const d2 = await rawSession(srv.url, 'bob', 'bob-d2');
    expect(await ok(d1, 'favoritesAdd', { userId: 'carol' })).toMatchObject({ added: true });
    expect(await ok(d1, 'favoritesRemove', { userId: 'alice' })).toEqual({ removed: false }); // a user, not a favorite
    expect(await ok(d1, 'favoritesRemove', { userId: 'nobody' })).toEqual({ removed: false }); // no such account
    expect(await ok(d1, 'favoritesRemove', { userId: 'carol' })).toEqual({ removed: true });
    // d2 hears of the add and the real remove, in order; a push for a no-op would have come in between.
    expect((await d2.push('favoritesChanged')).data).toMatchObject({ user: { userId: 'carol' }, favorite: true });
    expect((await d2.push('favoritesChanged')).data).toMatchObject({ user: { userId: 'carol' }, favorite: false });
  });

  it('a full list refuses the next favorite with limit_exceeded naming the cap; re-adding one is not refused', async () => {
    // The cap is a protocol constant, not configurable: fill it through the store, then go over it on the wire.
    const store = srv.server.services.store;
    for (const u of starred.slice(0, maxFavorites)) expect(await store.addFavorite(asUserId('fan'), asUserId(u), maxFavorites, Date.now())).toBe('added');
    const c = await rawSession(srv.url, 'fan');
    const last = starred[maxFavorites] ?? '';
    const e = await refused(c, 'favoritesAdd', { userId: last });
    expect(e.code).toBe('limit_exceeded');
    expect(e.message).toContain(`at most ${maxFavorites} favorites`);
    // Already a favorite: nothing changes, so nothing passes the cap.
    expect(await ok(c, 'favoritesAdd', { userId: 'f0' })).toMatchObject({ added: false });
    expect(await ok(c, 'favoritesRemove', { userId: 'f0' })).toEqual({ removed: true });
    expect(await ok(c, 'favoritesAdd', { userId: last })).toMatchObject({ added: true });
    expect(await refused(c, 'favoritesAdd', { userId: 'f0' })).toMatchObject({ code: 'limit_exceeded' });
  });
});

describe.each(['presenceSubscribe', 'presenceUnsubscribe'])('%s with a bad list', (type) => {
  it.each([
    ['an empty list', { userIds: [] }, new RegExp(`^${type}: userIds: .*\\b1\\b`)],
    ['no list', {}, new RegExp(`^${type}: userIds: `)],
    ['a string for the list', { userIds: 'bob' }, new RegExp(`^${type}: userIds: `)],
    ['a number in the list', { userIds: ['bob', 7] }, new RegExp(`^${type}: userIds\\.1: `)],
    ['an id no account can have', { userIds: ['bob', 'Carol!'] }, new RegExp(`^${type}: userIds\\.1: user ids are 1-64 chars`)],
    ['a repeated id', { userIds: ['bob', 'carol', 'bob'] }, new RegExp(`^${type}: userIds: user ids must not repeat$`)],
    [
      'more ids than one request may carry',
      { userIds: ['bob', ...starred.slice(0, maxSubscribePerRequest)] },
      new RegExp(`^${type}: userIds: .*\\b${maxSubscribePerRequest}\\b`),
    ],
  ])('%s: bad_request naming the field, subscriptions unchanged, the next request works', async (_what, data, message) => {
    const c = await rawSession(srv.url, 'alice', `alice-${type}`);
    // Subscribed to carol only: a refused subscribe must add bob, a refused unsubscribe remove carol, neither.
    expect(await ok(c, 'presenceSubscribe', { userIds: ['carol'] })).toMatchObject({ subscribed: 1 });
    const e = await refused(c, type, data);
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(message);
    expect(await ok(c, 'presenceUnsubscribe', { userIds: ['bob'] })).toEqual({ subscribed: 1 }); // bob was never added
    expect(await ok(c, 'presenceSubscribe', { userIds: ['bob'] })).toMatchObject({ subscribed: 2 }); // carol is still there
  });
});

describe('presence subscriptions count each user once', () => {
  it('subscribing again, unknown ids and unsubscribing strangers leave the count as it was', async () => {
    const c = await rawSession(srv.url, 'alice', 'alice-count');
    expect(await ok(c, 'presenceSubscribe', { userIds: ['bob', 'carol', 'nobody'] })).toMatchObject({ unknown: ['nobody'], subscribed: 2 });
    expect(await ok(c, 'presenceSubscribe', { userIds: ['carol', 'bob'] })).toMatchObject({ subscribed: 2 });
    expect(await ok(c, 'presenceUnsubscribe', { userIds: ['erin', 'nobody'] })).toEqual({ subscribed: 2 }); // ignored, not refused
    expect(await ok(c, 'presenceUnsubscribe', { userIds: ['bob', 'carol'] })).toEqual({ subscribed: 0 });
    expect(await ok(c, 'presenceUnsubscribe', { userIds: ['bob'] })).toEqual({ subscribed: 0 });
  });
});
