import type { RingdeskApi } from '../../shared/ipc/api.ts';

declare global {
  interface Window {
    /** Exposed by the preload in Electron; absent when the headless host serves the page over http. */
    ringdesk?: RingdeskApi;
  }
}

export {};
