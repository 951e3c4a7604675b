// Server numbers the prose quotes: the config defaults, the heartbeat sweep, and the constants the
// server does not export (SERVER_FACTS, which examples.test.ts checks against the server's source).
import { ServerConfigSchema } from '../../server/config.ts';

/**
 * Server constants that are not exported. The test reads them from the server's source and fails
 * when they drift from these.
 */
export const SERVER_FACTS = {
  /** ClientConnection.ts MAX_FAILED_LOGINS */
  maxFailedLogins: 5,
  /** ClientConnection.ts MAX_RATE_VIOLATIONS */
  maxRateViolations: 200,
  /** app.ts HARD_FRAME_CAP: ws's maxPayload */
  hardFrameCapBytes: 1024 * 1024,
  /** app.ts PRESENCE_FLUSH_MS */
  presenceFlushMs: 100,
} as const;

export const DEFAULTS = ServerConfigSchema.parse({});
export const sweepMs = Math.max(100, Math.floor(DEFAULTS.heartbeatTimeoutMs / 4));
