import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ERROR_CODES } from '../../../src/shared/errors.ts';
import { CallIdSchema, DeviceIdSchema, RequestIdSchema, UserIdSchema } from '../../../src/shared/protocol/index.ts';

/**
 * The node-to-node media relay: one WebSocket per pair of nodes, authenticated both ways with an
 * HMAC of the cluster secret over the other side's random nonce (no replay: each connection gets
 * fresh nonces; the secret never crosses the wire). Frames are JSON, checked with these schemas on
 * arrival like any client frame.
 */
export const RELAY_PATH = '/relay';
export const RELAY_VERSION = 'ringdesk-relay-v1';
/** Close codes of the relay socket (stable; docs/deployment-server.md). */
export const RELAY_CLOSE = { unauthorized: 4401, protocol: 4400, shuttingDown: 1001 } as const;
/** A connection that has not authenticated by then is closed with 4401. */
export const RELAY_AUTH_TIMEOUT_MS = 5000;
export const RELAY_MAX_FRAME = 1024 * 1024;
/** The shortest cluster secret accepted: 32 characters (e.g. `openssl rand -hex 16`). */
export const MIN_SECRET_LENGTH = 32;

/** Why a relay failed; stable, logged and put in the client's sfu_unavailable message. */
export const RELAY_ERROR_CODES = ['relay_unauthorized', 'relay_unknown_node', 'relay_unreachable', 'relay_timeout', 'relay_protocol', 'cluster_secret_invalid', 'node_id_invalid'] as const;
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

export class RelayError extends Error {
  readonly code: RelayErrorCode;
  constructor(code: RelayErrorCode, message: string) {
    super(message);
    this.name = 'RelayError';
    this.code = code;
  }
}

/** Node ids appear in Redis keys and logs: letters, digits, `.`, `_`, `-`. */
export const NodeIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a node id is 1–64 letters, digits, ".", "_" or "-"');

export function checkNodeId(nodeId: string): string {
  const r = NodeIdSchema.safeParse(nodeId);
  if (!r.success) throw new RelayError('node_id_invalid', `cluster node id ${JSON.stringify(nodeId.slice(0, 80))}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

export function checkSecret(secret: string): string {
  if (secret.length < MIN_SECRET_LENGTH) throw new RelayError('cluster_secret_invalid', `the cluster secret must be at least ${MIN_SECRET_LENGTH} characters (openssl rand -hex 32)`);
  return secret;
}

export const newNonce = (): string => randomBytes(16).toString('hex');

/** What one side proves: it knows the secret, for this nonce, between these two nodes, in this role. */
export function relayMac(secret: string, role: 'client' | 'server', nonce: string, clientNode: string, serverNode: string): string {
  return createHmac('sha256', secret).update(`${RELAY_VERSION}|${role}|${nonce}|${clientNode}|${serverNode}`).digest('hex');
}

/** Constant-time: the time taken says nothing about how much of a forged MAC was right. */
export function macEquals(expected: string, got: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(got, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // same work as a compare; lengths are public (hex of SHA-256) anyway
    return false;
  }
  return timingSafeEqual(a, b);
}

const Nonce = z.string().regex(/^[0-9a-f]{32}$/);
const Mac = z.string().max(128);
const ActorSchema = z.object({ userId: UserIdSchema, deviceId: DeviceIdSchema, deviceName: z.string().max(256) });
export type RelayActor = z.infer<typeof ActorSchema>;
const DeviceRef = { userId: UserIdSchema, deviceId: DeviceIdSchema };
const WireErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string().max(1000) });

/** Media node → the node that dialled it. */
export const ServerFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), node: NodeIdSchema, nonce: Nonce }),
  z.object({ t: z.literal('ready'), mac: Mac }),
  z.object({ t: z.literal('res'), id: z.number().int().min(0), result: z.unknown().optional(), error: WireErrorSchema.optional() }),
  // The push itself is checked against the protocol's push schemas by the receiver.
  z.object({ t: z.literal('push'), ...DeviceRef, push: z.object({ type: z.string().max(64), data: z.unknown() }) }),
]);
export type RelayServerFrame = z.infer<typeof ServerFrameSchema>;

/** The dialling node → the media node. */
export const ClientFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('auth'), node: NodeIdSchema, nonce: Nonce, mac: Mac }),
  // The request is checked against the protocol's request schemas by the media node (parseRequestFrame).
  z.object({ t: z.literal('req'), id: z.number().int().min(0), actor: ActorSchema, req: z.object({ id: RequestIdSchema, type: z.string().max(64), data: z.unknown() }) }),
  z.object({ t: z.enum(['online', 'offline']), ...DeviceRef }),
  // The call changed on the node that owns it: the media node re-reads it and brings its room in line.
  z.object({ t: z.literal('changed'), callID: CallIdSchema }),
]);
export type RelayClientFrame = z.infer<typeof ClientFrameSchema>;

/** JSON.parse + schema; null when the frame is not one of ours (the caller closes with 4400). */
export function parseFrame<S extends z.ZodType>(schema: S, text: string): z.infer<S> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : null;
}
