import type { types } from 'mediasoup';
import { assertNever } from '../../src/shared/assertNever.ts';
import { mediasoupCall } from './mediaErrors.ts';
import type { Peer } from './Peer.ts';
import type { SfuActor, SfuRequest, SfuResult } from './ports.ts';
import type { Room } from './Room.ts';
import type { TurnCredentials } from './TurnConfig.ts';

/** The requests that touch only the sender's own media objects: all but capabilities, join and leave (who is in the room). */
export type PeerRequest = Exclude<SfuRequest, { type: 'sfuCapabilities' | 'sfuJoin' | 'sfuLeave' }>;

/**
 * Runs one such request on the device's peer in its room. SfuService has already checked the
 * sender's right and found its peer (a member's, or a ringing device's that Room keeps paused).
 */
export async function peerRequest(room: Room, peer: Peer, actor: SfuActor, req: PeerRequest, turn: TurnCredentials | null): Promise<SfuResult> {
  switch (req.type) {
    case 'sfuCreateTransport':
      return { ...(await room.createTransport(peer, req.data.direction)), ...iceConfig(actor, turn) };
    case 'sfuConnectTransport': {
      const t = room.transport(peer, req.data.transportId);
      // Shape checked by DtlsParametersSchema; the worker checks the fingerprint at the handshake.
      await mediasoupCall('connectTransport', () => t.connect({ dtlsParameters: req.data.dtlsParameters as types.DtlsParameters }));
      return {};
    }
    case 'sfuRestartIce': {
      const t = room.transport(peer, req.data.transportId);
      // Fresh credentials too: the ones given with the transport may have expired since.
      const iceServers = turn?.iceServers(actor.userId);
      return { iceParameters: await mediasoupCall('restartIce', () => t.restartIce()), ...(iceServers ? { iceServers } : {}) };
    }
    case 'sfuProduce':
      // A ringing device's producers are held paused (Room.produce): nothing is forwarded before the answer.
      return room.produce(peer, req.data);
    case 'sfuPauseProducer':
    case 'sfuResumeProducer':
      await room.setProducerPaused(peer, req.data.producerId, req.type === 'sfuPauseProducer');
      return {};
    case 'sfuCloseProducer':
      room.producer(peer, req.data.producerId).close();
      return {};
    case 'sfuConsume':
      return room.consume(peer, req.data.producerId);
    case 'sfuResumeConsumer':
      await room.resumeConsumer(peer, req.data.consumerId);
      return {};
    case 'sfuSetPreferredLayers': {
      const c = room.consumer(peer, req.data.consumerId);
      const { spatialLayer, temporalLayer } = req.data;
      await mediasoupCall('setPreferredLayers', () => c.setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer }));
      return {};
    }
    case 'sfuGetStats':
      return room.stats(peer, req.data.id);
    default:
      return assertNever(req, 'sfu request');
  }
}

/** Minted per transport, so each credential names its user and lives turn.ttlSec from now. */
function iceConfig(actor: SfuActor, turn: TurnCredentials | null): { iceServers?: ReturnType<TurnCredentials['iceServers']>; iceTransportPolicy?: 'all' | 'relay' } {
  if (!turn) return {};
  return { iceServers: turn.iceServers(actor.userId), iceTransportPolicy: turn.iceTransportPolicy };
}
