// The directory's prose for docs/protocol.md (gen-protocol-doc.ts and prose.ts import it): keyed by type like the rest,
// so a new directory request, push or limit does not compile until it is documented here.
import { DIRECTORY_LIMITS, LIMITS, type DirectoryPushType, type DirectoryRequestType } from '../../src/shared/protocol/index.ts';
import type { ErrorCode } from '../../src/shared/errors.ts';

const L = DIRECTORY_LIMITS;
const PAGE = `\`limit\` 1–${L.maxPageSize} (default ${L.defaultPageSize}; more is \`bad_request\`, not clamped); send the previous page's \`nextCursor\` as \`cursor\` for the next page, \`nextCursor: null\` means there is no more. A cursor is opaque; one the server did not issue is \`bad_request\`.`;

export const DIRECTORY_ERROR_MEANINGS: Record<Extract<ErrorCode, 'limit_exceeded' | 'user_not_found'>, { by: 'server'; meaning: string }> = {
  limit_exceeded: {
    by: 'server',
    meaning: `A documented per-user or per-connection cap would be passed; the message names the cap. \`presenceSubscribe\` beyond ${L.maxSubscriptionsPerConnection} users on one connection (nothing of the request is subscribed), \`favoritesAdd\` beyond ${L.maxFavorites} favorites.`,
  },
  user_not_found: { by: 'server', meaning: '`favoritesAdd` of a user id that has no account, or of a disabled account.' },
};

export const DIRECTORY_REQUEST_DOCS: Record<DirectoryRequestType, { text: string }> = {
  directorySearch: {
    text: `Searches the directory of accounts that are not disabled (yourself included), one page at a time; see ${'[Directory and presence](#directory-and-presence)'} for the matching rule. With a query the page is ordered by the matched word, then user id; an empty query browses everyone alphabetically by display name. Each user comes once per search. ${PAGE}`,
  },
  favoritesList: {
    text: `Your favorites (at most ${L.maxFavorites}), ordered by user id, with presence. Stored on the server, so every device of yours shows the same list. A favorite whose account is disabled is not listed and does not count toward the ${L.maxFavorites}; it shows again if the account is enabled again. ${PAGE}`,
  },
  favoritesAdd: {
    text: `Adds a user to your favorites and returns the user. \`added\` is false when it already was one (nothing changes). Refused with \`user_not_found\` for an unknown or disabled account, \`bad_request\` for yourself, \`limit_exceeded\` past ${L.maxFavorites}. Your other signed-in devices get \`favoritesChanged\`. Adding does not subscribe to the user's presence: subscribe to what you show.`,
  },
  favoritesRemove: { text: 'Removes a user from your favorites; `removed` is false when it was not one. Your other signed-in devices get `favoritesChanged` when something was removed.' },
  recentsList: {
    text: `The people you were in calls with, most recent first: the distinct other members of your ${L.recentsCallWindow} newest calls (any outcome, missed and declined included), without disabled accounts. ${PAGE}`,
  },
  presenceSubscribe: {
    text: `Subscribes this connection to the presence of up to ${L.maxSubscribePerRequest} users (distinct) and returns their presence now, with their display names. Afterwards every change of theirs reaches this connection as \`presenceChanged\`. Ids without an account come back in \`unknown\` and are not subscribed. Subscribing again to a user is harmless. A connection may hold at most ${L.maxSubscriptionsPerConnection} subscriptions: a request that would pass it is refused with \`limit_exceeded\` and subscribes nothing. Subscriptions belong to the connection: they end when it closes, and a client subscribes again after every reconnect.`,
  },
  presenceUnsubscribe: { text: 'Ends this connection\'s subscriptions to these users (ids it was not subscribed to are ignored) and says how many remain.' },
};

export const DIRECTORY_PUSH_DOCS: Record<DirectoryPushType, string> = {
  favoritesChanged: "To a user's other signed-in devices when one device adds (`favorite: true`) or removes a favorite: apply it, or read `favoritesList` again.",
};

const LIMIT_DOCS: Record<keyof typeof DIRECTORY_LIMITS, string> = {
  maxPageSize: 'largest `limit` of `directorySearch`, `favoritesList` and `recentsList`',
  defaultPageSize: '`limit` when left out',
  maxQueryLength: 'characters of a `directorySearch` query, after trimming',
  maxFavorites: 'favorites per user',
  recentsCallWindow: '`recentsList` looks at this many of your newest calls',
  maxSubscribePerRequest: 'user ids in one `presenceSubscribe` or `presenceUnsubscribe`',
  maxSubscriptionsPerConnection: 'users one connection may be subscribed to at once',
};

export function directorySection(table: (headers: string[], rows: string[][]) => string, presenceFlushMs: number): string {
  return `## Directory and presence

There is no list of every user: an organisation has tens of thousands. A client shows favorites (\`favoritesList\`), recents (\`recentsList\`) and search results (\`directorySearch\`), and subscribes to the presence of exactly the users it shows (\`presenceSubscribe\`): favorites, the visible page of results, the members of its calls. Every list in the protocol is paged or bounded (\`queryCallInvitationList\`: \`count\` ≤ 100; \`queryActiveCalls\`: the newest 100 started calls; a call's \`users\`: ≤ ${LIMITS.maxMembersEver} members ever, of whom ≤ ${LIMITS.maxParticipants} active; every other list has its maximum in its schema, shown as \`items: ≤ n\` in the tables below).

- **Matching.** A query matches a user when every word of the query (split on spaces) is a prefix of one of the user's search terms. Both sides are folded first: Unicode NFKD, combining marks removed, lower case, and the Latin letters that have no decomposition replaced by their base letters (ø → o, ł → l, đ and ð → d, ß → ss, æ → ae, œ → oe, þ → th, and a few more); so \`jose\` finds "José", \`ZOE\` finds "Zoë", \`soren\` finds "Søren", \`lukasz\` finds "Łukasz", and full-width letters match their ASCII forms. A user's terms are the user id (\`wei.z\` finds \`wei.zhang\`), each space-separated word of the display name, the parts of a word split at punctuation (\`luc\` finds "Jean-Luc"), and, because Chinese, Japanese and Korean names are written without spaces, **every position of a CJK character starts a term**: "张伟" has the terms \`张伟\` and \`伟\`, so both \`张\` and \`伟\` find it (and \`张伟\` too). Disabled accounts are never listed; you are listed like anyone else.
- **Presence by subscription.** A change of presence (first device signed in, last one gone, DND switched) goes only to the connections subscribed to that user, batched: one \`presenceChanged\` per connection per ${presenceFlushMs} ms carries all the changes it subscribed to. The server keeps, for each user, the set of connections subscribed to them, so a change costs one write per subscriber, whatever the number of users online. Subscriptions end with their connection.

${table(['limit', 'value', 'meaning'], (Object.keys(DIRECTORY_LIMITS) as (keyof typeof DIRECTORY_LIMITS)[]).map((k) => [`\`${k}\``, String(DIRECTORY_LIMITS[k]), LIMIT_DOCS[k]]))}`;
}
