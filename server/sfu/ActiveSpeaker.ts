import type { types } from 'mediasoup';
import type { CallId, SfuPush } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { Peer } from './Peer.ts';
import type { Notify } from './Room.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('ActiveSpeaker');
/** How often the active-speaker observer may change its mind. */
export const SPEAKER_INTERVAL_MS = 300;

/** What the speaker needs of its room, lent by Room as functions so the room's state keeps one owner. */
export interface SpeakerRoom {
  readonly callID: CallId;
  readonly notify: Notify;
  isClosed(): boolean;
  ownerOf(producerId: string): Peer | undefined;
  /** The members only: ringing devices are not told who speaks until they answer. */
  members(): Iterable<Peer>;
}

/** A room's active speaker: owns its ActiveSpeakerObserver, the producer it chose last and the sfuActiveSpeaker pushes. */
export class ActiveSpeaker {
  readonly #observer: types.ActiveSpeakerObserver;
  readonly #room: SpeakerRoom;
  #producerId: string | null = null;

  constructor(observer: types.ActiveSpeakerObserver, room: SpeakerRoom) {
    this.#observer = observer;
    this.#room = room;
    observer.on('dominantspeaker', ({ producer }) => this.#changed(producer.id));
  }

  /** A member's producer enters the contest (audio only; a ringing device's once it is answered). */
  add(producer: types.Producer): void {
    if (producer.kind !== 'audio') return;
    this.#observer.addProducer({ producerId: producer.id }).catch((e: unknown) => {
      // A producer closed meanwhile (its device left) is an expected race; anything else leaves this
      // member out of the active speaker, which should be seen.
      const why = errorMessage(e);
      if (producer.closed) log.debug('call %s: producer %s closed before the speaker observer took it (%s)', this.#room.callID, producer.id, why);
      else log.warn('call %s: the speaker observer did not take producer %s: %s', this.#room.callID, producer.id, why);
    });
  }

  /** The speaker's producer is gone: nobody speaks until the observer chooses again. */
  producerClosed(producerId: string): void {
    if (this.#producerId === producerId) this.#changed(null);
  }

  /**
   * A device entering the room (a join, or a ringing device answered) hears who speaks now: the
   * observer speaks only on a change, so one that came in after it chose would show nobody until
   * the next change (the e2e active-speaker test failed so when the caller was chosen while the
   * callee still rang).
   */
  tell(peer: Peer): void {
    if (this.#producerId) this.#room.notify(peer.userId, peer.deviceId, this.#push());
  }

  #changed(producerId: string | null): void {
    if (this.#room.isClosed()) return;
    this.#producerId = producerId;
    const push = this.#push();
    for (const p of this.#room.members()) this.#room.notify(p.userId, p.deviceId, push);
  }

  #push(): SfuPush {
    const owner = this.#producerId ? this.#room.ownerOf(this.#producerId) : undefined;
    return { type: 'sfuActiveSpeaker', data: { callID: this.#room.callID, userId: owner?.userId ?? null, deviceId: owner?.deviceId ?? null } };
  }
}
