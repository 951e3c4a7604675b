import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { vi } from 'vitest';
import { createMemoryHistory, type Router } from 'vue-router';
import App from '../App.vue';
import { createAppI18n, type AppI18n } from '../i18n/index.ts';
import { createAppRouter } from '../router.ts';
import { FakeBridge } from './fakeBridge.ts';

export interface Mounted {
  wrapper: VueWrapper;
  fake: FakeBridge;
  router: Router;
  pinia: Pinia;
  i18n: AppI18n;
  /** The element with this data-testid, or a test failure naming it. */
  get(testId: string): HTMLElement;
  find(testId: string): HTMLElement | null;
  text(testId: string): string;
  unmount(): void;
}

/** Lets bridge replies, lazy route chunks and re-renders land. */
export async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await flushPromises();
    await vi.dynamicImportSettled();
  }
}

/** The whole app (stores, router, i18n) against a fake bridge, at `path`. */
export async function mountApp(o: { fake?: FakeBridge; path?: string } = {}): Promise<Mounted> {
  const fake = (o.fake ?? new FakeBridge()).install();
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createAppRouter(createMemoryHistory());
  const i18n = createAppI18n('en');
  await router.push(o.path ?? '/');
  const host = document.createElement('div');
  document.body.appendChild(host);
  const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: host });
  await settle();
  const find = (id: string): HTMLElement | null => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return {
    wrapper,
    fake,
    router,
    pinia,
    i18n,
    find,
    get(id) {
      const el = find(id);
      if (!el) throw new Error(`no [data-testid="${id}"] in:\n${document.body.innerHTML}`);
      return el;
    },
    text: (id) => {
      const el = find(id);
      if (!el) throw new Error(`no [data-testid="${id}"] in:\n${document.body.innerHTML}`);
      return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
    },
    unmount() {
      wrapper.unmount();
      fake.uninstall();
      host.remove();
    },
  };
}

/** Types into an input and fires `input` (v-model) and `change`. */
export function typeInto(el: HTMLElement, value: string): void {
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) throw new Error('not an input');
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

export function click(el: HTMLElement): void {
  el.click();
}

export function key(el: EventTarget, k: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
}
