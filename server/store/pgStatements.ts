import { createHash } from 'node:crypto';
import type pg from 'pg';

const names = new Map<string, string>();

/**
 * The query as a named prepared statement, its name derived from its text. node-postgres prepares a
 * name once per connection and then sends only Bind/Execute, so Postgres stops parsing and planning
 * the hot statements on every call (after five runs it may keep a generic plan): an invitation's
 * save, a CTE over six arrays, was parsed and planned again for each batch. A pool connection that
 * is replaced (Postgres restarted) prepares again by itself. Only for statements with a fixed text;
 * a text built per call would prepare a new statement every time.
 */
export function named(text: string, values: unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (!name) {
    name = `rd_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return { name, text, values };
}
