import type { InvokeReply } from '../../shared/ipc/channels.ts';
import type { EventChannel } from '../../shared/ipc/contract.ts';

/** Who sent an invoke: the page URL, checked against our own before anything runs. */
export interface IpcSender {
  url: string;
}

export type InvokeHandler = (channel: string, args: unknown, sender: IpcSender) => Promise<InvokeReply<unknown>>;

/**
 * A carrier of the IPC contract: Electron's ipcMain (src/main/platform/electronIpc.ts) or the
 * headless host's WebSocket. It moves frames; registerIpc does the checking.
 */
export interface IpcTransport {
  serve(handler: InvokeHandler): () => void;
  emit(channel: EventChannel, payload: unknown): void;
}
