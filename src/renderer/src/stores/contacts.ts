import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { EventPayload } from '../../../shared/ipc/contract.ts';
import type { Contact, UserId } from '../../../shared/protocol/common.ts';
import { call, errorCode } from '../bridge.ts';

/** The contact list with live presence; `query` filters it by id or name. */
export const useContactsStore = defineStore('contacts', () => {
  const contacts = ref<Contact[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const query = ref('');

  const filtered = computed(() => {
    const q = query.value.trim().toLowerCase();
    const list = [...contacts.value].sort((a, b) => a.displayName.localeCompare(b.displayName));
    if (!q) return list;
    return list.filter((c) => c.userId.includes(q) || c.displayName.toLowerCase().includes(q));
  });

  function nameOf(userId: UserId | string): string {
    return contacts.value.find((c) => c.userId === userId)?.displayName || userId;
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      contacts.value = (await call('listContacts', {})).contacts;
      error.value = null;
      loaded.value = true;
    } catch (e) {
      error.value = errorCode(e);
    } finally {
      loading.value = false;
    }
  }

  function applyPresence(p: EventPayload<'presence'>): void {
    contacts.value = contacts.value.map((c) => {
      const u = p.users.find((x) => x.userId === c.userId);
      return u ? { ...c, presence: u.presence, dnd: u.dnd } : c;
    });
  }

  function clear(): void {
    contacts.value = [];
    loaded.value = false;
    error.value = null;
    query.value = '';
  }

  return { contacts, loaded, loading, error, query, filtered, nameOf, load, applyPresence, clear };
});
