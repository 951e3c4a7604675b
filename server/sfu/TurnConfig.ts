import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { errorMessage } from '../../src/shared/errors.ts';

/** Bounds of `turn.ttlSec`: long enough for a day of calls, short enough that a leaked credential dies. */
export const TURN_TTL = { minSec: 300, defaultSec: 24 * 3600, maxSec: 7 * 24 * 3600 } as const;
/** coturn compares the secret byte for byte; a short one can be guessed offline from one credential. */
export const TURN_MIN_SECRET_CHARS = 16;
const MAX_URLS = 8;

/** turn:host[:port][?transport=udp|tcp] and turns:…, as RTCIceServer.urls takes them (RFC 7065). */
const TURN_URL = /^turns?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

/**
 * The `turn` section: TURN servers handed to clients with short-lived credentials, by the TURN REST
 * API shared-secret scheme coturn implements (`use-auth-secret` + `static-auth-secret`). Absent:
 * clients get no iceServers and connect to the SFU directly, as before.
 */
export const TurnConfigSchema = z
  .object({
    urls: z
      .array(z.string().regex(TURN_URL, 'must be turn:host[:port][?transport=udp|tcp] or turns:host[:port][?transport=tcp]'))
      .min(1, 'list at least one TURN server URL')
      .max(MAX_URLS, `at most ${MAX_URLS} TURN URLs`),
    /** coturn's static-auth-secret. Give it here or in secretFile, not both. */
    secret: z.string().min(TURN_MIN_SECRET_CHARS, `the TURN secret must be at least ${TURN_MIN_SECRET_CHARS} characters`).optional(),
    /** A file holding the secret (trailing newline ignored), read once at startup. */
    secretFile: z.string().min(1).optional(),
    /** How long a handed-out credential stays valid, in seconds. */
    ttlSec: z.number().int().min(TURN_TTL.minSec).max(TURN_TTL.maxSec).default(TURN_TTL.defaultSec),
    /** 'relay' makes every client send media only through TURN (networks that allow nothing else). */
    iceTransportPolicy: z.enum(['all', 'relay']).default('all'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.secret === undefined && c.secretFile === undefined) ctx.addIssue({ code: 'custom', path: ['secret'], message: "missing: set turn.secret or turn.secretFile (coturn's static-auth-secret)" });
    if (c.secret !== undefined && c.secretFile !== undefined) ctx.addIssue({ code: 'custom', path: ['secretFile'], message: 'set turn.secret or turn.secretFile, not both' });
    for (const [i, u] of c.urls.entries()) {
      if (u.startsWith('turns:') && u.endsWith('transport=udp')) ctx.addIssue({ code: 'custom', path: ['urls', i], message: 'turns: runs over TLS, so over TCP only' });
    }
  })
  .transform((c, ctx) => {
    if (c.secretFile === undefined) return { urls: c.urls, secret: c.secret ?? '', ttlSec: c.ttlSec, iceTransportPolicy: c.iceTransportPolicy };
    let secret = '';
    try {
      secret = readFileSync(c.secretFile, 'utf8').trim();
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['secretFile'], message: `cannot read ${c.secretFile}: ${errorMessage(e)}` });
      return z.NEVER;
    }
    if (secret.length < TURN_MIN_SECRET_CHARS) {
      ctx.addIssue({ code: 'custom', path: ['secretFile'], message: `${c.secretFile} must hold a secret of at least ${TURN_MIN_SECRET_CHARS} characters` });
      return z.NEVER;
    }
    return { urls: c.urls, secret, ttlSec: c.ttlSec, iceTransportPolicy: c.iceTransportPolicy };
  });
export type TurnConfig = z.output<typeof TurnConfigSchema>;

/** The turn keys settable from the environment; RINGDESK_TURN_URLS is comma-separated. */
const TURN_ENV = {
  RINGDESK_TURN_URLS: 'urls',
  RINGDESK_TURN_SECRET: 'secret',
  RINGDESK_TURN_SECRET_FILE: 'secretFile',
  RINGDESK_TURN_TTL_SEC: 'ttlSec',
  RINGDESK_TURN_ICE_TRANSPORT_POLICY: 'iceTransportPolicy',
} as const;

/** The file's `turn` section with the environment's keys laid over it; undefined when neither sets any. */
export function turnFromEnv(env: NodeJS.ProcessEnv, fromFile: unknown): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, key] of Object.entries(TURN_ENV)) {
    const v = env[k];
    if (v === undefined) continue;
    if (key === 'urls') out[key] = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    else if (key === 'ttlSec') out[key] = Number(v);
    else out[key] = v;
  }
  if (Object.keys(out).length === 0) return undefined;
  const base = typeof fromFile === 'object' && fromFile !== null ? fromFile : {};
  // An env secret replaces a file's secretFile (and the other way round) instead of clashing with it.
  const rest: Record<string, unknown> = { ...base };
  if ('secret' in out || 'secretFile' in out) {
    delete rest['secret'];
    delete rest['secretFile'];
  }
  return { ...rest, ...out };
}

export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

/**
 * The TURN REST API credential (draft-uberti-behave-turn-rest, coturn's use-auth-secret):
 * username `<expiry unix seconds>:<userId>`, password base64(HMAC-SHA1(secret, username)).
 */
export function turnCredential(secret: string, userId: string, expiresAtSec: number): { username: string; credential: string } {
  const username = `${expiresAtSec}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Mints the iceServers one client gets with each transport (and each ICE restart). */
export class TurnCredentials {
  readonly #c: TurnConfig;
  readonly #now: () => number;

  /** `now` in milliseconds since the epoch (the server's injected clock). */
  constructor(config: TurnConfig, now: () => number) {
    this.#c = config;
    this.#now = now;
  }

  get iceTransportPolicy(): 'all' | 'relay' {
    return this.#c.iceTransportPolicy;
  }

  iceServers(userId: string): IceServer[] {
    const expires = Math.floor(this.#now() / 1000) + this.#c.ttlSec;
    return [{ urls: [...this.#c.urls], ...turnCredential(this.#c.secret, userId, expires) }];
  }
}
