import { ref, type Ref } from 'vue';
import { errorCode } from '../bridge.ts';

export interface Action {
  /** True while a task runs: buttons are disabled, a second click is ignored. */
  busy: Ref<boolean>;
  /** The last task's error code for ErrorMessage, or null. */
  error: Ref<string | null>;
  /** Runs `task` unless one is running; resolves true when it succeeded. Never rejects. */
  run(task: () => Promise<unknown>): Promise<boolean>;
}

/** A screen's buttons that call the bridge: one task at a time, its failure shown, never thrown. */
export function useAction(): Action {
  const busy = ref(false);
  const error = ref<string | null>(null);
  async function run(task: () => Promise<unknown>): Promise<boolean> {
    if (busy.value) return false;
    busy.value = true;
    error.value = null;
    try {
      await task();
      return true;
    } catch (e) {
      error.value = errorCode(e);
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
