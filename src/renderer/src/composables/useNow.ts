import { onScopeDispose, ref, type Ref } from 'vue';

/** The wall clock as a ref, ticking every `intervalMs` until the owning component or scope goes away. */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  const id = setInterval(() => {
    now.value = Date.now();
  }, intervalMs);
  onScopeDispose(() => clearInterval(id));
  return now;
}
