// The server process of the benchmark: the real `server/index.ts serve` CLI, plus a small IPC hook
// (bench/serverHook.ts) so the orchestrator can force a full GC before reading RSS and read the
// event-loop delay/utilisation. Started by bench/signaling.ts as
// `node --expose-gc bench/server-entry.ts serve --port 0 --db …` with an IPC channel.
import { installServerHook } from './serverHook.ts';

installServerHook('server-window');
// The orchestrator went away (crash, kill -9): shut down the way `serve` does on SIGTERM, so nothing is left behind.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

// Metrics stay on, as in production, but on a free port: two benches (or a server already running) never collide on 9464.
process.env['RINGDESK_METRICS_PORT'] ??= '0';
await import('../server/index.ts');
