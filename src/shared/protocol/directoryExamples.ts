import type { DeviceId, UserId } from './common.ts';
import type { DirectoryPushType, DirectoryRequestType } from './directory.ts';
import type { PushExample, RequestExample } from './examples.ts';

/**
 * The directory's examples (examples.ts tells the story): alice, just signed in on her laptop,
 * reads her favorites and recents, subscribes to their presence, searches the directory (in
 * Latin and in Chinese script) and adds wei (张伟) to her favorites; her phone hears of it.
 */
interface Story {
  alice: UserId;
  bob: UserId;
  carol: UserId;
  aliceLaptop: DeviceId;
}

/** The favorites cursor is the last user id of the page (as JSON, base64url). */
const CURSOR = 'WyJjYXJvbCJd';

export function directoryExamples(s: Story): {
  requests: { [T in DirectoryRequestType]: RequestExample<T> };
  pushes: { [T in DirectoryPushType]: PushExample<T> };
  senders: { [T in DirectoryRequestType]: { userId: UserId; deviceId: DeviceId } };
} {
  const wei = 'wei.zhang' as UserId; // a literal that matches UserIdSchema (examples.test.ts parses every example)
  const bob = { userId: s.bob, displayName: 'Bob Ito', presence: 'online', dnd: false } as const;
  const carol = { userId: s.carol, displayName: 'Carol Díaz', presence: 'offline', dnd: false } as const;
  const weiUser = { userId: wei, displayName: '张伟', presence: 'online', dnd: true } as const;
  const me = { userId: s.alice, deviceId: s.aliceLaptop };
  return {
    requests: {
      directorySearch: {
        data: { query: 'dia', limit: 20 },
        result: { users: [carol], nextCursor: null },
        note: 'alice types "dia": carol matches on the second word of "Carol Díaz", the accent ignored. Searching "伟" or "张" finds 张伟 the same way.',
      },
      favoritesList: {
        data: { limit: 2 },
        result: { users: [bob, carol], nextCursor: CURSOR },
        note: 'alice, just after signing in, reads her favorites two at a time (the app asks for 50).',
      },
      favoritesAdd: {
        data: { userId: wei },
        result: { user: weiUser, added: true },
        note: 'alice stars 张伟 from a search result.',
      },
      favoritesRemove: { data: { userId: wei }, result: { removed: true }, note: 'alice un-stars 张伟 again.' },
      recentsList: {
        data: { limit: 20 },
        result: { users: [bob, carol], nextCursor: null },
        note: 'The people of alice\'s latest calls, the most recent first: bob, then carol.',
      },
      presenceSubscribe: {
        data: { userIds: [s.bob, s.carol, 'nobody' as UserId] }, // a literal that matches UserIdSchema
        result: { users: [bob, carol], unknown: ['nobody' as UserId], subscribed: 2 }, // as above
        note: 'alice subscribes to what her home shows: her favorites and recents. `nobody` has no account.',
      },
      presenceUnsubscribe: { data: { userIds: [s.carol] }, result: { subscribed: 1 }, note: 'carol scrolled out of view.' },
    },
    pushes: {
      favoritesChanged: { data: { user: weiUser, favorite: true }, note: "To alice's phone when her laptop adds 张伟 to her favorites." },
    },
    senders: {
      directorySearch: me,
      favoritesList: me,
      favoritesAdd: me,
      favoritesRemove: me,
      recentsList: me,
      presenceSubscribe: me,
      presenceUnsubscribe: me,
    },
  };
}
