import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { EventPayload, InvokeResult } from '../../../shared/ipc/contract.ts';
import type { UserId } from '../../../shared/protocol/common.ts';
import type { DirectoryUser } from '../../../shared/protocol/directory.ts';
import { call, errorCode } from '../bridge.ts';

/** Typing pauses this long before the directory is asked: one request per word, not per key. */
export const SEARCH_DEBOUNCE_MS = 250;
const PAGE = 20;

/**
 * The people the app shows: favorites and recents (held by main, which subscribes to their
 * presence), and the server's directory search for what is typed. Names of everyone seen are kept
 * for call screens. Plain data only.
 */
export const useContactsStore = defineStore('contacts', () => {
  const favorites = ref<DirectoryUser[]>([]);
  const recents = ref<DirectoryUser[]>([]);
  const results = ref<DirectoryUser[]>([]);
  const nextCursor = ref<string | null>(null);
  /** The query `results` answer. */
  const searched = ref('');
  const query = ref('');
  const loaded = ref(false);
  const loading = ref(false);
  const searching = ref(false);
  const error = ref<string | null>(null);
  const searchError = ref<string | null>(null);
  const known = ref<Record<string, DirectoryUser>>({});

  const favoriteIds = computed(() => new Set<string>(favorites.value.map((u) => u.userId)));
  const searchingFor = computed(() => query.value.trim());
  /** What a picker offers: the search results while searching, else favorites then recents. */
  const offered = computed(() => {
    if (searchingFor.value) return results.value;
    const seen = new Set<string>();
    return [...favorites.value, ...recents.value].filter((u) => !seen.has(u.userId) && seen.add(u.userId));
  });

  function learn(users: readonly DirectoryUser[]): void {
    const next = { ...known.value };
    for (const u of users) next[u.userId] = u;
    known.value = next;
  }

  function nameOf(userId: UserId | string): string {
    return known.value[userId]?.displayName || userId;
  }

  function setPeople(p: EventPayload<'people'>): void {
    favorites.value = p.favorites;
    recents.value = p.recents;
    learn([...p.favorites, ...p.recents]);
    loaded.value = true;
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      setPeople(await call('getPeople', {}));
      error.value = null;
    } catch (e) {
      error.value = errorCode(e);
    } finally {
      loading.value = false;
    }
  }

  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Latest query wins: an answer to an older one is dropped.
  async function runSearch(more = false): Promise<void> {
    const q = searchingFor.value;
    const my = ++seq;
    if (!q) {
      results.value = [];
      nextCursor.value = null;
      searched.value = '';
      searching.value = false;
      await call('directoryClear', {}).catch((e: unknown) => (searchError.value = errorCode(e)));
      return;
    }
    searching.value = true;
    try {
      const cursor = more ? nextCursor.value : null;
      const p: InvokeResult<'directorySearch'> = await call('directorySearch', { query: q, limit: PAGE, ...(cursor ? { cursor } : {}) });
      if (my !== seq) return;
      learn(p.users);
      results.value = more ? [...results.value, ...p.users] : p.users;
      nextCursor.value = p.nextCursor;
      searched.value = q;
      searchError.value = null;
    } catch (e) {
      if (my === seq) searchError.value = errorCode(e);
    } finally {
      if (my === seq) searching.value = false;
    }
  }
  watch(searchingFor, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void runSearch(), SEARCH_DEBOUNCE_MS);
  });

  function loadMore(): Promise<void> {
    return nextCursor.value ? runSearch(true) : Promise.resolve();
  }

  async function toggleFavorite(u: DirectoryUser): Promise<void> {
    setPeople(await call(favoriteIds.value.has(u.userId) ? 'favoriteRemove' : 'favoriteAdd', { userId: u.userId }));
  }

  function applyPresence(p: EventPayload<'presence'>): void {
    const by = new Map(p.users.map((u) => [u.userId as string, u]));
    const patch = (list: DirectoryUser[]): DirectoryUser[] =>
      list.map((c) => {
        const u = by.get(c.userId);
        return u ? { ...c, presence: u.presence, dnd: u.dnd } : c;
      });
    favorites.value = patch(favorites.value);
    recents.value = patch(recents.value);
    results.value = patch(results.value);
    const named = p.users.flatMap((u) => (u.displayName !== undefined ? [{ userId: u.userId, displayName: u.displayName, presence: u.presence, dnd: u.dnd }] : []));
    learn([...patch(Object.values(known.value).filter((u) => by.has(u.userId))), ...named]);
  }

  function clear(): void {
    if (timer) clearTimeout(timer);
    seq++;
    favorites.value = [];
    recents.value = [];
    results.value = [];
    nextCursor.value = null;
    searched.value = '';
    loaded.value = false;
    error.value = null;
    searchError.value = null;
    query.value = '';
    searching.value = false;
  }

  return {
    favorites,
    recents,
    results,
    nextCursor,
    searched,
    query,
    loaded,
    loading,
    searching,
    error,
    searchError,
    favoriteIds,
    searchingFor,
    offered,
    nameOf,
    load,
    setPeople,
    loadMore,
    toggleFavorite,
    applyPresence,
    clear,
  };
});
