// The SFU's prose for docs/protocol.md (callSections.ts and prose.ts import it): keyed by type like the rest,
// so a new sfu* request, push or limit does not compile until it is documented here.
import { SFU_LIMITS, type SfuPushType, type SfuRequestType } from '../../src/shared/protocol/index.ts';
import type { ErrorCode } from '../../src/shared/errors.ts';

type SfuErrorCode = Extract<ErrorCode, 'sfu_unavailable' | 'media_forbidden' | 'media_not_found' | 'media_limit' | 'media_rejected'>;

export const SFU_ERROR_MEANINGS: Record<SfuErrorCode, { by: 'server'; meaning: string }> = {
  sfu_unavailable: {
    by: 'server',
    meaning:
      'The media server is off (`sfu.enabled` false), no mediasoup worker could start (the server log says how to fix it), or no worker is running for a moment after one died. Calls work without media; retry later.',
  },
  media_forbidden: {
    by: 'server',
    meaning:
      'You may not use this room: not a member of the call (for `sfuCapabilities`), or not Accepted, or not on your main device (`callJoin` moves it), or you have not sent `sfuJoin` (or were put out of the room since).',
  },
  media_not_found: { by: 'server', meaning: 'The transport, producer or consumer id is not one of yours in this room (ids of other members count as unknown); `sfuConsume` of a producer that is not in the room, or before you created a recv transport.' },
  media_limit: { by: 'server', meaning: `Over a per-member limit: ${SFU_LIMITS.maxTransportsPerMember} transports, ${SFU_LIMITS.maxProducersPerMember} producers, ${SFU_LIMITS.maxConsumersPerMember} consumers.` },
  media_rejected: {
    by: 'server',
    meaning:
      "mediasoup refused parameters that passed the schema (an unsupported codec, RTX without its codec, duplicate SSRCs, DTLS parameters given twice, …); `sfuProduce` on a recv transport or with a `source` that does not match `kind`; `sfuConsume` when your join's `rtpCapabilities` cannot receive the producer. The message carries mediasoup's reason.",
  },
};

const JOINED = 'Needs `sfuJoin` first; refused with `media_forbidden` otherwise.';

export const SFU_REQUEST_DOCS: Record<SfuRequestType, { text: string }> = {
  sfuCapabilities: {
    text: "The room's router RTP capabilities, to load a mediasoup-client `Device`. Any member of a started call may ask, an invitee who is still ringing too (so the app can prepare while it rings); others get `media_forbidden`. Every room has the same capabilities, so this does not create a room.",
  },
  sfuJoin: {
    text: "Enters the call's room with this device's RTP capabilities (from `Device.rtpCapabilities`: what it can receive). Only an Accepted member on its main device, or an invitee whose call still rings (pre-warm, see *Who may use it*); otherwise `media_forbidden`. The room is made if it does not exist. Returns the router's capabilities, the producers already in the room (for a member, also those of devices still ringing, paused) and the other members; those members get `sfuMemberJoined`. Joining again from the same device (after a reconnect) starts over: what it had in the room is closed first. A user is in the room on one device at a time.",
  },
  sfuLeave: { text: `Leaves the room but not the call; the others get \`sfuMemberLeft\` and \`sfuProducerClosed\` for this device's producers. When the last member leaves, the room's router is closed (a later \`sfuJoin\` makes a new one). ${JOINED}` },
  sfuCreateTransport: {
    text: `A WebRTC transport for sending or receiving, at most ${SFU_LIMITS.maxTransportsPerMember} per member (\`media_limit\`). Its ICE candidates are the worker's one UDP and one TCP port at the server's announced address (ICE-lite). Create at most one of each direction in normal use; a recv transport is needed before \`sfuConsume\` (the newest one is used). When the server has TURN configured it adds \`iceServers\` (TURN URLs with a time-limited TURN REST API credential: username \`<expiry unix seconds>:<userId>\`) and \`iceTransportPolicy\` (\`relay\` when the admin wants media through TURN only); pass both to the transport. Without TURN both are absent. ${JOINED}`,
  },
  sfuConnectTransport: { text: `The client's DTLS parameters for one of its transports (mediasoup-client's \`connect\` event). A second call for the same transport is \`media_rejected\`. ${JOINED}` },
  sfuRestartIce: { text: `New ICE credentials for one of your transports, after a network change (mediasoup-client's \`restartIce\`). With TURN configured, also fresh \`iceServers\` (the old credential may have expired): set them on the transport (\`updateIceServers\`) before restarting ICE. ${JOINED}` },
  sfuProduce: {
    text: `Sends a track on one of your send transports (mediasoup-client's \`produce\` event). \`source\` says what it is: \`mic\` (audio), \`camera\` (video, sent as simulcast: three encodings) or \`screen\` (video, a second video producer); \`appData\` (at most ${SFU_LIMITS.maxAppDataBytes} bytes of JSON) is shown to the others as it is. At most ${SFU_LIMITS.maxProducersPerMember} producers per member (\`media_limit\`). mediasoup checks the RTP parameters against the room's codecs (\`media_rejected\`). The others get \`sfuNewProducer\`. Audio producers feed the room's active-speaker detection. ${JOINED}`,
  },
  sfuPauseProducer: { text: `Pauses one of your producers (mute, camera off); the others get \`sfuProducerPaused\`. ${JOINED}` },
  sfuResumeProducer: { text: `Resumes one of your producers; the others get \`sfuProducerResumed\`. From a device still ringing it takes effect when that device answers. ${JOINED}` },
  sfuCloseProducer: { text: `Closes one of your producers; the others get \`sfuProducerClosed\`, and devices consuming it also \`sfuConsumerClosed\`. ${JOINED}` },
  sfuConsume: {
    text: `Receives a producer of another member on your newest recv transport, at most ${SFU_LIMITS.maxConsumersPerMember} consumers per member. The consumer is created **paused**: set up the track, then send \`sfuResumeConsumer\`. Refused with \`media_rejected\` when the capabilities given at \`sfuJoin\` cannot receive it. Simulcast video starts at the best layer the downlink allows; \`sfuSetPreferredLayers\` caps it. ${JOINED}`,
  },
  sfuResumeConsumer: { text: `Starts forwarding to one of your consumers (it was created paused); from a device still ringing, once it answers. ${JOINED}` },
  sfuSetPreferredLayers: {
    text: `The simulcast layer one of your video consumers should get: spatial 0 (smallest) to 2, temporal 0 to 2. Send it when the size at which the video is shown changes (a thumbnail needs layer 0). The server forwards the best layer at or below it that the downlink allows; changes arrive as \`sfuConsumerLayersChanged\`. ${JOINED}`,
  },
  sfuGetStats: { text: `mediasoup's statistics for one of your own transports, producers or consumers (at most 64 entries). ${JOINED}` },
};

export const SFU_PUSH_DOCS: Record<SfuPushType, string> = {
  sfuMemberJoined: 'To the other devices in the room when a member joins.',
  sfuMemberLeft: 'To the other devices in the room when a member leaves it: `sfuLeave`, quit, the end of its call membership, a move to another device, or its connection gone for longer than `heartbeatTimeoutMs`.',
  sfuNewProducer: 'To the other devices in the room when a member starts sending a track: consume it (`sfuConsume`).',
  sfuProducerClosed: 'To the other devices in the room when a producer is gone (closed, or its member left).',
  sfuProducerPaused: 'To the other devices in the room when a producer is paused.',
  sfuProducerResumed: 'To the other devices in the room when a producer is resumed.',
  sfuConsumerClosed: "To a device whose consumer closed because the producer it received closed. Close the local consumer.",
  sfuConsumerLayersChanged: 'To a device when the simulcast layer it receives on a consumer changes (bandwidth, or its preferred layers); `null` when nothing is forwarded.',
  sfuActiveSpeaker:
    "To every device in the room when the loudest member changes (mediasoup's ActiveSpeakerObserver); `null` when the speaker's microphone producer closed. Also to a device as it enters the room (its `sfuJoin`, or a ringing device's answer) while someone is the speaker, since the observer speaks only on a change.",
  sfuRoomClosed:
    'To a device put out of the room; its transports are already closed on the server. `ended`: the call ended, or this member quit or was taken out of it (also a lost connection); `moved`: `callJoin` made another device of this user the main device; `workerDied`: the media worker of the room died: join again (`sfuJoin` makes a new room on a running worker); `serverRestart`: the server is stopping and keeps the call: join again once reconnected (rooms are not kept across a restart; the first `sfuJoin` makes a new one).',
};

export const SFU_LIMIT_DOCS: Record<keyof typeof SFU_LIMITS, string> = {
  maxProducersPerMember: 'producers one member may have in a room',
  maxRingingProducersPerRoom: 'producers the ringing (pre-warming) devices of a room may have together; past it `sfuProduce` from a ringing device gets `media_limit` (answer first)',
  maxTransportsPerMember: 'transports one member may have in a room',
  maxAppDataBytes: 'bytes of JSON in a producer\'s `appData`',
  maxCodecs: 'codecs in RTP capabilities or parameters',
  maxEncodings: 'encodings (simulcast layers) in RTP parameters',
  maxHeaderExtensions: 'header extensions in RTP capabilities or parameters',
  maxConsumersPerMember: 'consumers one member may have in a room',
};

/** The section's introduction; the requests and pushes themselves are listed with the others. */
export function sfuIntro(limitsTable: string): string {
  return `## Media (SFU)

Media goes through a mediasoup SFU on the server; its signaling travels on this same WebSocket, in the same frames, as the \`sfu*\` requests and pushes. They follow mediasoup-client's model: load a \`Device\` with \`sfuCapabilities\`, \`sfuJoin\`, create a send and a recv transport (\`sfuCreateTransport\`, then \`sfuConnectTransport\` on the transport's \`connect\` event), \`sfuProduce\` on the send transport's \`produce\` event, and \`sfuConsume\` + \`sfuResumeConsumer\` for each producer (those in the \`sfuJoin\` result and each \`sfuNewProducer\`).

- **One room per call.** It is made when the first invitee accepts (for an advanced call started with no invitees, at once) and closed when the call ends or the last member leaves it.
- **Who may use it.** Only an Accepted member, on its main device, may join, create transports, produce or consume; every request is checked again, not only the join.
- **Pre-warm while it rings.** An invitee whose call still rings (\`inviting\`, \`received\`, \`notYetReceived\`) may, from any of its signed-in devices, do everything but \`sfuSetPreferredLayers\` (\`media_forbidden\`): join, create and connect transports, restart ICE, produce, consume, pause, resume and close, so that answering only starts media. The server holds all of it **paused** whatever it asks: its producers forward nothing and its consumers receive nothing. A resume it asks for while ringing (\`sfuResumeProducer\`, \`sfuResumeConsumer\`, or \`sfuProduce\` with \`paused\` false) is remembered and run when it answers on that device, with no further request; \`sfuPauseProducer\` takes it back. A camera runs only if the answer is a video one (the accept's \`extendedData\` says \`{"media":"video"}\`): an audio answer leaves it paused. A ringing device's \`sfuJoin\` result says so with \`answerStartsMedia: true\`; a client that sees it produces unpaused while ringing and need not resume after answering (an older server, without the field, holds what was asked paused until the client resumes it). The members hear of its producers at once (\`sfuNewProducer\`, \`paused\` true; \`sfuProducerClosed\`) and may consume them ahead, but not of the device itself: it is no member yet, and the other ringing devices hear of nothing. When the user accepts on that device it becomes the member's device in the room: the others get \`sfuMemberJoined\` (and the other ringing devices an \`sfuNewProducer\` per producer), then \`sfuProducerResumed\` for what it asked to resume. Its other ringing devices, and all of them on a decline, cancel or timeout, get \`sfuRoomClosed\` (\`moved\` when answered elsewhere, else \`ended\`). When the member quits, the call ends (\`callEnd\`, or it ends by itself), or \`callJoin\` moves the call to another device, the server closes that device's transports at once and sends it \`sfuRoomClosed\`.
- **Ids.** \`transportId\`, \`producerId\` and \`consumerId\` are mediasoup's; only the member who made one can use it (\`media_not_found\` for others).
- **Video.** Camera video is simulcast (three layers); each receiver sets the layer it needs with \`sfuSetPreferredLayers\` from the size at which it shows the video. Screen share is a second video producer with \`source: "screen"\`.
- **Network.** Every transport of a server worker uses that worker's one UDP and one TCP port (ICE-lite; the client connects to the server).
- **Without a media server** (none could start, or it is turned off) every \`sfu*\` request gets \`sfu_unavailable\`; calls still work.

Limits (the schemas bound every list and string too):

${limitsTable}`;
}
