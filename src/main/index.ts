import { startElectronApp } from './platform/electronApp.ts';

// Composition root: wires services together. Electron APIs are reached only
// through ./platform so everything else stays testable under plain Node.
await startElectronApp({ rendererUrl: process.env['ELECTRON_RENDERER_URL'] });
