import { join } from 'node:path';
import { setListenerErrorSink } from '../../shared/events.ts';
import { EVENT_CHANNELS } from '../../shared/ipc/channels.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { registerIpc } from '../ipc/registerIpc.ts';
import type { IpcTransport } from '../ipc/transport.ts';
import { FileLog } from '../log/FileLog.ts';
import { Logger } from '../log/Logger.ts';
import type { Platform } from '../platform/ports.ts';
import { DesktopCore, type CoreOptions } from './DesktopCore.ts';

const listenerLog = new Logger('Listener');

/** Main's emitters report a throwing listener to the log (file and stderr), never to nowhere. */
export function logListenerError(source: string, event: string, error: unknown): void {
  listenerLog.error('%s: a "%s" listener threw: %s', source, event, error instanceof Error ? (error.stack ?? error.message) : String(error));
}

export interface ComposeOptions {
  platform: Platform;
  transport: IpcTransport;
  /** Our own pages only: the packaged file:// URL, the dev server, or the headless host's origin. */
  isTrustedSender(url: string): boolean;
  core?: Omit<CoreOptions, 'platform'>;
}

export interface ComposedApp {
  core: DesktopCore;
  fileLog: FileLog;
  close(): void;
}

/**
 * The one wiring of the desktop app: rotating log in the profile, the core, every IPC handler and
 * every core event onto the transport. Electron's entry and the headless host both call this, so
 * the host is a second transport, never a second implementation.
 */
export async function composeApp(o: ComposeOptions): Promise<ComposedApp> {
  const fileLog = new FileLog({ dir: join(o.platform.info.userDataDir, 'logs') });
  const removeSink = Logger.addSink(fileLog);
  const restoreListenerSink = setListenerErrorSink(logListenerError);
  const core = new DesktopCore({ platform: o.platform, ...o.core });
  const bridge = registerIpc(o.transport, createHandlers(core, fileLog), { isTrustedSender: o.isTrustedSender });
  const offs = EVENT_CHANNELS.map((c) => core.on(c, (payload: unknown) => o.transport.emit(c, payload)));
  await core.start();
  return {
    core,
    fileLog,
    close() {
      for (const off of offs) off();
      bridge.close();
      core.close();
      restoreListenerSink();
      removeSink();
    },
  };
}
