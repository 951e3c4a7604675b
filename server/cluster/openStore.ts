import type { ServerConfig } from '../config.ts';
import { PgStore } from '../store/pgStore.ts';
import { SqliteStore } from '../store/sqliteStore.ts';
import type { Store } from '../store/Store.ts';

/**
 * The system of record for this configuration: PostgreSQL in cluster mode (redis and postgres
 * configured), else the embedded SQLite file. The admin commands use it too, so `user add` on a
 * cluster node writes to the cluster's database.
 */
export async function openStore(config: ServerConfig): Promise<Store> {
  if (config.postgres && config.redis) return PgStore.open(config.postgres.url, { maxConnections: config.postgres.maxConnections });
  // The WAL is checkpointed off the event loop while serving (server/store/WalCheckpointer.ts).
  return new SqliteStore(config.dbPath, config.walCheckpointMs > 0 ? { backgroundCheckpointMs: config.walCheckpointMs } : {});
}
