import { z } from 'zod';
import { PresenceSchema, UserIdSchema } from './common.ts';

/**
 * The directory, favorites, recents and presence subscriptions: what replaced "every user is a
 * contact" (listContacts). Every list is paged with a documented maximum; presence goes only to
 * connections that subscribed to a user.
 */
export const DIRECTORY_LIMITS = {
  /** Largest `limit` of directorySearch, favoritesList and recentsList; more is bad_request, not clamped. */
  maxPageSize: 50,
  defaultPageSize: 20,
  /** Characters of a search query (after trimming). */
  maxQueryLength: 100,
  /** Favorites one user may keep (favoritesAdd beyond it: limit_exceeded). */
  maxFavorites: 200,
  /** Recents are the distinct other members of this many most recent calls of the user. */
  recentsCallWindow: 500,
  /** User ids in one presenceSubscribe or presenceUnsubscribe. */
  maxSubscribePerRequest: 200,
  /** Users one connection may be subscribed to at once (presenceSubscribe beyond it: limit_exceeded). */
  maxSubscriptionsPerConnection: 500,
} as const;

/** An account as the directory shows it: never a password, token or DND allow-list. */
export const DirectoryUserSchema = z.object({
  userId: UserIdSchema,
  displayName: z.string(),
  presence: PresenceSchema,
  dnd: z.boolean(),
});
export type DirectoryUser = z.infer<typeof DirectoryUserSchema>;

/** Opaque: clients send back the `nextCursor` of the previous page unchanged. */
const CursorSchema = z.string().min(1).max(512);
const LimitSchema = z.number().int().min(1).max(DIRECTORY_LIMITS.maxPageSize).default(DIRECTORY_LIMITS.defaultPageSize);

/** One page of users; `nextCursor` null means there is nothing more. */
export const UserPageSchema = z.object({
  users: z.array(DirectoryUserSchema).max(DIRECTORY_LIMITS.maxPageSize),
  nextCursor: CursorSchema.nullable(),
});
export type UserPage = z.infer<typeof UserPageSchema>;

export const PresenceEntrySchema = z.object({ userId: UserIdSchema, presence: PresenceSchema, dnd: z.boolean() });
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;

const SubscribeIdsSchema = z
  .array(UserIdSchema)
  .min(1)
  .max(DIRECTORY_LIMITS.maxSubscribePerRequest)
  .refine((a) => new Set(a).size === a.length, 'user ids must not repeat');

export const DIRECTORY_REQUESTS = {
  directorySearch: {
    data: z.object({
      /** Empty: browse everyone, alphabetically. */
      query: z.string().trim().max(DIRECTORY_LIMITS.maxQueryLength).default(''),
      cursor: CursorSchema.optional(),
      limit: LimitSchema,
    }),
    result: UserPageSchema,
  },
  favoritesList: { data: z.object({ cursor: CursorSchema.optional(), limit: LimitSchema }), result: UserPageSchema },
  favoritesAdd: { data: z.object({ userId: UserIdSchema }), result: z.object({ user: DirectoryUserSchema, added: z.boolean() }) },
  favoritesRemove: { data: z.object({ userId: UserIdSchema }), result: z.object({ removed: z.boolean() }) },
  recentsList: { data: z.object({ cursor: CursorSchema.optional(), limit: LimitSchema }), result: UserPageSchema },
  presenceSubscribe: {
    data: z.object({ userIds: SubscribeIdsSchema }),
    result: z.object({
      /** The subscribed users' presence now, with their names; later changes arrive as presenceChanged. */
      users: z.array(DirectoryUserSchema).max(DIRECTORY_LIMITS.maxSubscribePerRequest),
      /** Ids with no account: not subscribed. */
      unknown: z.array(UserIdSchema).max(DIRECTORY_LIMITS.maxSubscribePerRequest),
      /** Users this connection is subscribed to after the request. */
      subscribed: z.number().int().min(0).max(DIRECTORY_LIMITS.maxSubscriptionsPerConnection),
    }),
  },
  presenceUnsubscribe: {
    data: z.object({ userIds: SubscribeIdsSchema }),
    result: z.object({ subscribed: z.number().int().min(0).max(DIRECTORY_LIMITS.maxSubscriptionsPerConnection) }),
  },
} as const;

export type DirectoryRequestType = keyof typeof DIRECTORY_REQUESTS;

export const DIRECTORY_PUSHES = {
  /** To the user's other devices: favorites are the same on every device. */
  favoritesChanged: z.object({ user: DirectoryUserSchema, favorite: z.boolean() }),
} as const;

export type DirectoryPushType = keyof typeof DIRECTORY_PUSHES;
