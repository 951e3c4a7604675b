// `npm run host -- [--port 5180] [--profile DIR] [--locale zh-CN]`: the desktop app without
// Electron. Open the printed URL in any browser; the real main-process core runs here, with a
// recording platform in place of notifications, tray and the ringing window.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHeadlessHost } from './host.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5180' },
    profile: { type: 'string' },
    locale: { type: 'string', default: 'en-US' },
    renderer: { type: 'string', default: 'out/renderer' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be 0-65535, got "${values.port}"\n`);
  process.exit(2);
}
try {
  const host = await startHeadlessHost({
    rendererDir: resolve(values.renderer),
    userDataDir: values.profile ? resolve(values.profile) : mkdtempSync(join(tmpdir(), 'ringdesk-host-')),
    port,
    locale: values.locale,
  });
  process.stdout.write(`Ringdesk headless host: open ${host.url}\n`);
  const stop = (): void => void host.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`${errorMessage(e)}\n`);
  process.exit(1);
}
