import { BrowserWindow, ipcMain } from 'electron';
import { INVOKE_CHANNELS, eventChannelName, invokeChannelName } from '../../shared/ipc/channels.ts';
import type { EventChannel } from '../../shared/ipc/contract.ts';
import type { IpcTransport } from '../ipc/transport.ts';

/**
 * The IPC contract carried by Electron's ipcMain: the only place raw ipcMain is used. It moves
 * frames and reports which page sent them; registerIpc checks the sender and the arguments.
 */
export function createElectronIpcTransport(): IpcTransport {
  return {
    serve(handler) {
      const names: string[] = [];
      for (const channel of INVOKE_CHANNELS) {
        const name = invokeChannelName(channel);
        // senderFrame is the frame that called (an iframe too), null once it navigated away or died:
        // an empty URL is never trusted, so a late invoke from a gone page is refused.
        ipcMain.handle(name, (event, args: unknown) => handler(channel, args, { url: event.senderFrame?.url ?? '' }));
        names.push(name);
      }
      return () => {
        for (const name of names) ipcMain.removeHandler(name);
      };
    },
    emit(channel: EventChannel, payload: unknown) {
      const name = eventChannelName(channel);
      for (const win of BrowserWindow.getAllWindows()) {
        // A window being torn down throws on send; skipping it loses nothing.
        if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
        win.webContents.send(name, payload);
      }
    },
  };
}
