import { z } from 'zod';
import { CallIdSchema, DeviceIdSchema, LIMITS, UserIdSchema } from './common.ts';

/**
 * The SFU messages: mediasoup's signaling, carried on the same WebSocket as calls. Shapes follow
 * mediasoup's own types (RtpCapabilities, RtpParameters, DtlsParameters, …); the schemas bound
 * every list and string so a hostile client cannot make the server or the worker do unbounded work.
 * mediasoup validates the meaning (ortc); these check the shape.
 */

export const SFU_LIMITS = {
  maxProducersPerMember: 4,
  /**
   * What the ringing devices of a room (pre-warming) may produce together: without it a user with many
   * devices ringing could fill someone's room, and every join's answer, with producers.
   */
  maxRingingProducersPerRoom: 40,
  /** One send and one recv transport; a spare for a reconnect racing its own cleanup. */
  maxTransportsPerMember: 3,
  maxAppDataBytes: 1024,
  maxCodecs: 32,
  maxEncodings: 4,
  maxHeaderExtensions: 32,
  /** Every producer of a full call (10 participants × 4) once, so a client can never grow the worker's load past that. */
  maxConsumersPerMember: 40,
} as const;

const Id = z.string().min(1).max(64);
export const MediaIdSchema = Id;
const Short = z.string().max(256);
const Scalar = z.union([z.string().max(256), z.number(), z.boolean()]);
const Params = z.record(z.string().max(64), Scalar).refine((r) => Object.keys(r).length <= 32, 'too many parameters');
const RtcpFeedback = z.object({ type: z.string().max(32), parameter: z.string().max(32).optional() });
const MediaKind = z.enum(['audio', 'video']);
export const MediaSourceSchema = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSourceSchema>;

export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z
    .array(
      z.looseObject({
        kind: MediaKind,
        mimeType: z.string().max(64),
        preferredPayloadType: z.number().int().min(0).max(127).optional(),
        clockRate: z.number().int().positive(),
        channels: z.number().int().min(1).max(8).optional(),
        parameters: Params.optional(),
        rtcpFeedback: z.array(RtcpFeedback).max(16).optional(),
      }),
    )
    .max(SFU_LIMITS.maxCodecs)
    .optional(),
  headerExtensions: z
    .array(
      z.looseObject({
        kind: MediaKind,
        uri: z.string().max(256),
        preferredId: z.number().int().min(1).max(255),
        preferredEncrypt: z.boolean().optional(),
        direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
      }),
    )
    .max(SFU_LIMITS.maxHeaderExtensions)
    .optional(),
});

export const RtpParametersSchema = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z
    .array(
      z.looseObject({
        mimeType: z.string().max(64),
        payloadType: z.number().int().min(0).max(127),
        clockRate: z.number().int().positive(),
        channels: z.number().int().min(1).max(8).optional(),
        parameters: Params.optional(),
        rtcpFeedback: z.array(RtcpFeedback).max(16).optional(),
      }),
    )
    .min(1)
    .max(SFU_LIMITS.maxCodecs),
  headerExtensions: z
    .array(z.looseObject({ uri: z.string().max(256), id: z.number().int().min(1).max(255), encrypt: z.boolean().optional(), parameters: Params.optional() }))
    .max(SFU_LIMITS.maxHeaderExtensions)
    .optional(),
  encodings: z
    .array(
      z.looseObject({
        ssrc: z.number().int().nonnegative().optional(),
        rid: z.string().max(16).optional(),
        codecPayloadType: z.number().int().min(0).max(127).optional(),
        rtx: z.object({ ssrc: z.number().int().nonnegative() }).optional(),
        dtx: z.boolean().optional(),
        scalabilityMode: z.string().max(16).optional(),
        scaleResolutionDownBy: z.number().min(1).max(64).optional(),
        maxBitrate: z.number().int().positive().optional(),
      }),
    )
    .max(SFU_LIMITS.maxEncodings)
    .optional(),
  rtcp: z.looseObject({ cname: z.string().max(64).optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
});

export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']), value: z.string().max(256) }))
    .min(1)
    .max(8),
});
const IceParameters = z.looseObject({ usernameFragment: Short, password: Short, iceLite: z.boolean().optional() });
const IceCandidate = z.looseObject({
  foundation: Short,
  priority: z.number().int(),
  address: Short,
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int().min(0).max(65535),
  type: z.enum(['host', 'srflx', 'prflx', 'relay']),
  tcpType: z.enum(['active', 'passive', 'so']).optional(),
});

export const AppDataSchema = z
  .record(z.string().max(64), Scalar)
  .refine((r) => JSON.stringify(r).length <= SFU_LIMITS.maxAppDataBytes, `appData is limited to ${SFU_LIMITS.maxAppDataBytes} bytes`);

export const ProducerInfoSchema = z.object({
  producerId: Id,
  userId: UserIdSchema,
  deviceId: DeviceIdSchema,
  kind: MediaKind,
  source: MediaSourceSchema,
  paused: z.boolean(),
  appData: AppDataSchema,
});
export type ProducerInfo = z.infer<typeof ProducerInfoSchema>;

/**
 * A TURN server as RTCIceServer takes it, with a time-limited credential (TURN REST API). Sent only
 * when the server has TURN configured; a client passes it to the transport as it is.
 */
export const IceServerSchema = z.object({
  urls: z.array(z.string().regex(/^turns?:/, 'a turn: or turns: URL').max(256)).min(1).max(8),
  username: z.string().max(256),
  credential: z.string().max(256),
});
/** Optional on sfuCreateTransport and sfuRestartIce: absent means "connect to the SFU directly". */
const IceConfig = {
  iceServers: z.array(IceServerSchema).max(4).optional(),
  /** 'relay': the server's admin wants media through TURN only. */
  iceTransportPolicy: z.enum(['all', 'relay']).optional(),
};

const RoomMemberSchema = z.object({ userId: UserIdSchema, deviceId: DeviceIdSchema, deviceName: z.string() });
const InRoom = { callID: CallIdSchema };
const Empty = z.object({});

export const SFU_REQUESTS = {
  /** The router's capabilities, for loading a Device. Any member of the call may ask, invitees still ringing included (pre-warm). */
  sfuCapabilities: { data: z.object(InRoom), result: z.object({ rtpCapabilities: RtpCapabilitiesSchema }) },
  /** Enter the call's room. Accepted members on their main device; an invitee still ringing may pre-warm (all held paused until it answers; docs/protocol.md). */
  sfuJoin: {
    data: z.object({ ...InRoom, rtpCapabilities: RtpCapabilitiesSchema }),
    result: z.object({
      rtpCapabilities: RtpCapabilitiesSchema,
      // The members' (each at most maxProducersPerMember) and the ringing devices' (together at most maxRingingProducersPerRoom): the server refuses more.
      producers: z.array(ProducerInfoSchema).max(LIMITS.maxParticipants * SFU_LIMITS.maxProducersPerMember + SFU_LIMITS.maxRingingProducersPerRoom),
      members: z.array(RoomMemberSchema).max(LIMITS.maxParticipants),
      /**
       * Only to a ringing device: this server starts what it produces unpaused (its camera only for a
       * video answer) the moment its answer lands, so it may produce unpaused while ringing and need
       * not ask again. Absent (an older server): it produces paused and resumes after answering.
       */
      answerStartsMedia: z.literal(true).optional(),
    }),
  },
  /** Leave the room without leaving the call (the client rejoins after a reconnect). */
  sfuLeave: { data: z.object(InRoom), result: Empty },
  sfuCreateTransport: {
    data: z.object({ ...InRoom, direction: z.enum(['send', 'recv']) }),
    result: z.object({
      transportId: Id,
      iceParameters: IceParameters,
      iceCandidates: z.array(IceCandidate).max(16),
      dtlsParameters: DtlsParametersSchema,
      ...IceConfig,
    }),
  },
  sfuConnectTransport: { data: z.object({ ...InRoom, transportId: Id, dtlsParameters: DtlsParametersSchema }), result: Empty },
  sfuRestartIce: { data: z.object({ ...InRoom, transportId: Id }), result: z.object({ iceParameters: IceParameters, iceServers: IceConfig.iceServers }) },
  sfuProduce: {
    data: z.object({
      ...InRoom,
      transportId: Id,
      kind: MediaKind,
      rtpParameters: RtpParametersSchema,
      source: MediaSourceSchema,
      paused: z.boolean().default(false),
      appData: AppDataSchema.default({}),
    }),
    result: z.object({ producerId: Id }),
  },
  sfuPauseProducer: { data: z.object({ ...InRoom, producerId: Id }), result: Empty },
  sfuResumeProducer: { data: z.object({ ...InRoom, producerId: Id }), result: Empty },
  sfuCloseProducer: { data: z.object({ ...InRoom, producerId: Id }), result: Empty },
  /** Created paused on the member's recv transport; resumed by sfuResumeConsumer once the client is ready. */
  sfuConsume: {
    data: z.object({ ...InRoom, producerId: Id }),
    result: z.object({
      consumerId: Id,
      producerId: Id,
      kind: MediaKind,
      rtpParameters: RtpParametersSchema,
      producerPaused: z.boolean(),
      userId: UserIdSchema,
      deviceId: DeviceIdSchema,
      source: MediaSourceSchema,
      appData: AppDataSchema,
    }),
  },
  sfuResumeConsumer: { data: z.object({ ...InRoom, consumerId: Id }), result: Empty },
  sfuSetPreferredLayers: {
    data: z.object({ ...InRoom, consumerId: Id, spatialLayer: z.number().int().min(0).max(3), temporalLayer: z.number().int().min(0).max(3).optional() }),
    result: Empty,
  },
  /** mediasoup's stats for one of the member's own transports, producers or consumers. */
  sfuGetStats: {
    data: z.object({ ...InRoom, id: Id }),
    result: z.object({ stats: z.array(z.record(z.string(), z.unknown())).max(64) }),
  },
} as const;

export const SFU_PUSHES = {
  sfuMemberJoined: z.object({ ...InRoom, member: RoomMemberSchema }),
  sfuMemberLeft: z.object({ ...InRoom, userId: UserIdSchema, deviceId: DeviceIdSchema }),
  sfuNewProducer: z.object({ ...InRoom, producer: ProducerInfoSchema }),
  sfuProducerClosed: z.object({ ...InRoom, producerId: Id }),
  sfuProducerPaused: z.object({ ...InRoom, producerId: Id }),
  sfuProducerResumed: z.object({ ...InRoom, producerId: Id }),
  sfuConsumerClosed: z.object({ ...InRoom, consumerId: Id }),
  sfuConsumerLayersChanged: z.object({ ...InRoom, consumerId: Id, spatialLayer: z.number().int().nullable(), temporalLayer: z.number().int().nullable() }),
  /** The loudest member right now; null when everyone is silent. */
  sfuActiveSpeaker: z.object({ ...InRoom, userId: UserIdSchema.nullable(), deviceId: DeviceIdSchema.nullable() }),
  /**
   * This device is out of the room: `ended` (the call ended or this member quit or was kicked),
   * `moved` (another device of this user became the main device), `workerDied` (join again),
   * `serverRestart` (the server is stopping; the call is kept: join again once reconnected).
   */
  sfuRoomClosed: z.object({ ...InRoom, reason: z.enum(['ended', 'moved', 'workerDied', 'serverRestart']) }),
} as const;

export type SfuRequestType = keyof typeof SFU_REQUESTS;
export type SfuPushType = keyof typeof SFU_PUSHES;
export const SFU_PUSH_TYPES = Object.keys(SFU_PUSHES) as SfuPushType[]; // keys of a const literal

/** An SFU push with its type, as a discriminated union (the SFU part of `Push`). */
export type SfuPush = { [T in SfuPushType]: { type: T; data: z.infer<(typeof SFU_PUSHES)[T]> } }[SfuPushType];

/** Narrows any push to the SFU's: the desktop core hands these to the room client as they are. */
export function isSfuPush(p: { type: string; data: unknown }): p is SfuPush {
  return Object.hasOwn(SFU_PUSHES, p.type);
}

export function isSfuRequestType(type: string): type is SfuRequestType {
  return Object.hasOwn(SFU_REQUESTS, type);
}
