import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n, resolveLocale } from './i18n/index.ts';
import { createAppRouter } from './router.ts';
import './styles/base.css';

// A first guess from the browser; the snapshot's OS locale and the setting take over once read.
const i18n = createAppI18n(resolveLocale('system', navigator.language));

createApp(App).use(createPinia()).use(createAppRouter()).use(i18n).mount('#app');
