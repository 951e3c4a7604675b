import { composeApp } from './app/compose.ts';
import { Logger } from './log/Logger.ts';
import { startElectronApp } from './platform/electronApp.ts';

// Composition root. Electron is reached only through ./platform; everything wired here is the
// same code the headless host runs (./app/compose.ts).
const log = new Logger('main');
let open: ((url: string) => void) | null = null;
const early: string[] = [];
const electron = await startElectronApp({
  rendererUrl: process.env['ELECTRON_RENDERER_URL'],
  // A link from a second instance may arrive while the core is still starting: queue it.
  onDeepLink: (url) => (open ? open(url) : early.push(url)),
});
const app = await composeApp({ platform: electron.platform, transport: electron.transport, isTrustedSender: electron.isTrustedSender });
log.info('started (profile %s, hidden %s)', electron.profile ?? 'default', electron.startedHidden);
open = (url) => void app.core.openDeepLink(url);
for (const url of [...electron.initialDeepLinks, ...early]) open(url);
