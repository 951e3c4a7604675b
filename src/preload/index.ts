import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventMethodName, type RingdeskApi } from '../shared/ipc/api.ts';
import { EVENT_CHANNELS, INVOKE_CHANNELS, eventChannelName, invokeChannelName } from '../shared/ipc/channels.ts';

// Sandboxed preload: one CJS bundle. Only channels.ts and api.ts are imported (never contract.ts's
// values) so zod stays out of it. The page gets named methods only, never ipcRenderer itself.

type Ipc = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;

function buildRingdeskApi(ipc: Ipc): RingdeskApi {
  const api: Record<string, unknown> = {};
  for (const channel of INVOKE_CHANNELS) {
    const name = invokeChannelName(channel);
    api[channel] = (args: unknown) => ipc.invoke(name, args);
  }
  for (const channel of EVENT_CHANNELS) {
    const name = eventChannelName(channel);
    api[eventMethodName(channel)] = (fn: unknown) => {
      if (typeof fn !== 'function') throw new TypeError(`${eventMethodName(channel)} takes a listener function`);
      // The page sees the payload only: the IpcRendererEvent carries `sender`, i.e. ipcRenderer.
      const listener = (_event: IpcRendererEvent, payload: unknown): void => {
        fn(payload);
      };
      ipc.on(name, listener);
      return () => {
        ipc.removeListener(name, listener);
      };
    };
  }
  // Built from the same name lists RingdeskApi is mapped from (contract.ts checks they agree).
  return api as RingdeskApi;
}

contextBridge.exposeInMainWorld('ringdesk', buildRingdeskApi(ipcRenderer));
