import { contextBridge } from 'electron';

const api = { version: '0.1.0' } as const;

export type RingdeskApi = typeof api;

contextBridge.exposeInMainWorld('ringdesk', api);
