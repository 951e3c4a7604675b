#!/usr/bin/env node
// Entry point: `node server/index.ts [serve] [--port N] [--db PATH] [--demo]` or `node server/index.ts user …`.
// Only `serve` loads the server (mediasoup and the rest, ~0.7 s): admin commands open the database and nothing else.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { PASSWORD_FLAG_REFUSED, readPassword } from './cli/password.ts';
import { USER_COMMANDS, runUserCommand } from './cli/users.ts';
import { openStore } from './cluster/openStore.ts';
import { errorMessage } from '../src/shared/errors.ts';

const USAGE = `usage:
  node server/index.ts [serve] [--host H] [--port N] [--db PATH] [--demo]
  node server/index.ts user add <id> [--name "Display Name"] [--db PATH]     password: one line on stdin, or RINGDESK_PASSWORD
  node server/index.ts user passwd <id> [--db PATH]                          password: as above; signs the user out everywhere
  node server/index.ts user list | disable <id> | enable <id> | signout <id> | rename <id> --name "New Name" [--db PATH]
  node server/index.ts user import <file.csv|file.json> [--format csv|json] [--db PATH]
The user commands work beside a running server on the same database; it closes revoked sessions within revocationPollMs.
env: RINGDESK_HOST, RINGDESK_PORT, RINGDESK_DB, RINGDESK_TOKEN_SECRET, RINGDESK_TOKEN_SECRET_FILE, RINGDESK_SERVER_CONFIG (JSON file),
     RINGDESK_PASSWORD, RINGDESK_TLS_CERT, RINGDESK_TLS_KEY, RINGDESK_TLS_CA, RINGDESK_METRICS_HOST, RINGDESK_METRICS_PORT,
     RINGDESK_TURN_URLS, RINGDESK_TURN_SECRET, RINGDESK_TURN_SECRET_FILE, RINGDESK_DRAIN_TIMEOUT_MS, RINGDESK_LOG (debug|info|warn|error), RINGDESK_LOG_FORMAT (json|text),
     cluster mode: RINGDESK_REDIS_URL and RINGDESK_POSTGRES_URL (both), RINGDESK_CLUSTER_SECRET or RINGDESK_CLUSTER_SECRET_FILE, RINGDESK_CLUSTER_NODE_ID
signals: SIGHUP reloads the TLS certificate and key; SIGTERM drains (not ready, clients sent elsewhere, calls kept up to
         drainTimeoutMs) then exits 0; a second SIGTERM, or SIGINT, stops at once (exit 0)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      demo: { type: 'boolean' },
      // Parsed only to be refused with a reason, rather than "unknown option".
      password: { type: 'string' },
      name: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.password !== undefined) {
    console.error(PASSWORD_FLAG_REFUSED);
    return 2;
  }
  const overrides: Record<string, unknown> = {};
  if (values.host !== undefined) overrides['host'] = values.host;
  if (values.port !== undefined) overrides['port'] = Number(values.port);
  if (values.db !== undefined) overrides['dbPath'] = values.db;
  if (values.demo) overrides['demo'] = true;
  const config = loadConfig(process.env, overrides);

  const [cmd = 'serve', ...rest] = positionals;
  if (cmd === 'user') {
    const [sub, id] = rest;
    if (sub === undefined) throw new Error(`user needs a command: ${USER_COMMANDS}`);
    const password = sub === 'add' || sub === 'passwd' ? await readPassword(process.env, process.stdin, `Password for ${id ?? '?'}: `) : undefined;
    const store = await openStore(config); // the cluster's Postgres when redis and postgres are configured
    try {
      return await runUserCommand(store, rest, { password, name: values.name, format: values.format, scrypt: config.scrypt }, (line) => console.log(line));
    } finally {
      await store.close();
    }
  }
  if (cmd !== 'serve') {
    console.error(`unknown command "${cmd}"\n${USAGE}`);
    return 2;
  }
  const { startServer } = await import('./app.ts');
  const { seedDemoAccounts } = await import('./cli/demo.ts');
  const store = await openStore(config);
  if (config.demo) await seedDemoAccounts(store, (line) => console.log(line));
  const server = await startServer(config, store);
  console.log(`Ringdesk server ready at ${server.url}`);
  if (server.metricsUrl) console.log(`metrics and readiness at ${server.metricsUrl}/metrics and /readyz`);
  // Certificate renewal (certbot, cert-manager) ends with a SIGHUP: open connections stay up.
  process.on('SIGHUP', () => void server.reloadTls());
  // SIGTERM drains (docs/deployment-server.md, "Draining"); a second one, or SIGINT, stops at once.
  // Exit 0 once closed; 1 if closing failed (logged). A third signal while stuck closing exits at once.
  let signals = 0;
  const onSignal = (signal: 'SIGTERM' | 'SIGINT'): void => {
    if (++signals >= 3) {
      console.error(`${signal} again while stopping: exiting now`);
      process.exit(1);
    }
    const stopped = signal === 'SIGTERM' ? server.drain() : server.stopNow();
    stopped.then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : errorMessage(e));
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
