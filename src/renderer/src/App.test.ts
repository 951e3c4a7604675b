import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import App from './App.vue';
import { useAppStore } from './stores/app.ts';

describe('App', () => {
  it('shows the product name and reacts to the store', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const wrapper = mount(App, { global: { plugins: [pinia] } });

    expect(wrapper.get('h1').text()).toBe('Ringdesk');
    expect(wrapper.get('[data-testid="status"]').text()).toBe('offline');

    const store = useAppStore();
    store.setStatus('online');
    await wrapper.vm.$nextTick();

    expect(store.isOnline).toBe(true);
    expect(wrapper.get('[data-testid="status"]').text()).toBe('online');
  });
});
