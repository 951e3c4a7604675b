#!/usr/bin/env node
// Entry point: `node server/index.ts [serve] [--port N] [--db PATH] [--demo]` or `node server/index.ts user …`.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { runUserCommand } from './cli/users.ts';
import { startServer } from './app.ts';
import { SqliteStore } from './store/sqliteStore.ts';
import { seedDemoAccounts } from './cli/demo.ts';

const USAGE = `usage:
  node server/index.ts [serve] [--host H] [--port N] [--db PATH] [--demo]
  node server/index.ts user add <id> --password <pw> [--name "Display Name"] [--db PATH]
  node server/index.ts user list | disable <id> | enable <id> | passwd <id> --password <pw> | rename <id> --name "New Name" [--db PATH]
env: RINGDESK_HOST, RINGDESK_PORT, RINGDESK_DB, RINGDESK_TOKEN_SECRET, RINGDESK_SERVER_CONFIG (JSON file),
     RINGDESK_TLS_CERT, RINGDESK_TLS_KEY, RINGDESK_TLS_CA, RINGDESK_METRICS_HOST, RINGDESK_METRICS_PORT,
     RINGDESK_LOG (debug|info|warn|error), RINGDESK_LOG_FORMAT (json|text)
signals: SIGHUP reloads the TLS certificate and key; SIGINT/SIGTERM stop`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      demo: { type: 'boolean' },
      password: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  if (values.host !== undefined) overrides['host'] = values.host;
  if (values.port !== undefined) overrides['port'] = Number(values.port);
  if (values.db !== undefined) overrides['dbPath'] = values.db;
  if (values.demo) overrides['demo'] = true;
  const config = loadConfig(process.env, overrides);

  const [cmd = 'serve', ...rest] = positionals;
  if (cmd === 'user') {
    const store = new SqliteStore(config.dbPath);
    try {
      return await runUserCommand(store, rest, { password: values.password, name: values.name }, (line) => console.log(line));
    } finally {
      await store.close();
    }
  }
  if (cmd !== 'serve') {
    console.error(`unknown command "${cmd}"\n${USAGE}`);
    return 2;
  }
  const store = new SqliteStore(config.dbPath);
  if (config.demo) await seedDemoAccounts(store, (line) => console.log(line));
  const server = await startServer(config, store);
  console.log(`Ringdesk server ready at ${server.url}`);
  if (server.metricsUrl) console.log(`metrics and readiness at ${server.metricsUrl}/metrics and /readyz`);
  // Certificate renewal (certbot, cert-manager) ends with a SIGHUP: open connections stay up.
  process.on('SIGHUP', () => void server.reloadTls());
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e));
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
