import type { Device, types } from 'mediasoup-client';
import type { CallId } from '../../../shared/protocol/common.ts';
import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import { HeldTracks } from './HeldTracks.ts';
import { CAMERA_ENCODINGS } from './layers.ts';
import type { Published, StreamReport } from './roomTypes.ts';
import type { SfuPort } from './sfuPort.ts';

/** What the producers need from their room: the send transport and state of the current join, its step queue, and where to report. */
export interface ProducersHost {
  port: SfuPort;
  callID: CallId;
  send(): types.Transport | null;
  epoch(): number;
  device(): Promise<Device> | null;
  /** Pre-warmed while ringing, not yet activated. */
  pending(): boolean;
  /** The server starts this ringing device's unpaused producers when its answer lands (sfuJoin's answerStartsMedia). */
  answerStartsMedia(): boolean;
  /** Runs `step` after the room's earlier steps (joins included). */
  enqueue(step: () => Promise<void>): Promise<void>;
  onPublished(published: Published[]): void;
  report(e: unknown): void;
}

/**
 * The sending half of a RoomClient: the local tracks published by source and a producer for each
 * on the room's current send transport. Published tracks outlive a rejoin, which produces them again.
 */
export class Producers {
  readonly #h: ProducersHost;
  readonly #published = new Map<MediaSource, { track: MediaStreamTrack; paused: boolean }>();
  readonly #producers = new Map<MediaSource, types.Producer>();
  /** While ringing, producers send disabled clones (see HeldTracks). */
  readonly #held = new HeldTracks();

  constructor(host: ProducersHost) {
    this.#h = host;
  }

  /** Sends `track` as `source` (replacing the track already sent for it). */
  publish(source: MediaSource, track: MediaStreamTrack, paused: boolean): Promise<void> {
    this.#published.set(source, { track, paused });
    this.#emitPublished();
    return this.#h.enqueue(async () => {
      const p = this.#producers.get(source);
      if (p && !p.closed) {
        // Decided once: an answer (activate) may land during replaceTrack. Read again after it, a
        // clone just put on the sender was released (stopped) and never enabled: the camera sent
        // nothing after Accept (media.e2e, 1 in ~15 loaded runs). activate()'s step, queued after
        // this one, enables the clone.
        const hold = this.#h.pending();
        await p.replaceTrack({ track: hold ? this.#held.hold(source, track) : track });
        if (!hold) this.#held.release(source);
        return;
      }
      if (this.#h.send()) await this.#produce(source, this.#h.epoch());
    });
  }

  unpublish(source: MediaSource): Promise<void> {
    this.#published.delete(source);
    this.#emitPublished();
    return this.#h.enqueue(async () => {
      const p = this.#producers.get(source);
      this.#producers.delete(source);
      if (!p) return;
      p.close();
      this.#held.release(source);
      this.#emitPublished();
      await this.#h.port.request('sfuCloseProducer', { callID: this.#h.callID, producerId: p.id }).catch((e: unknown) => this.#h.report(e));
    });
  }

  /** Mute and camera-off: the producer pauses here and on the server, so others see it. */
  setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const pub = this.#published.get(source);
    if (!pub) return Promise.resolve();
    pub.paused = paused;
    this.#emitPublished();
    return this.#h.enqueue(async () => {
      const p = this.#producers.get(source);
      if (!p || p.closed || p.paused === paused) return;
      if (this.#h.pending()) return; // the server holds a ringing device's producers paused; activate() resumes them
      if (paused) p.pause();
      else p.resume();
      const type = paused ? 'sfuPauseProducer' : 'sfuResumeProducer';
      await this.#h.port.request(type, { callID: this.#h.callID, producerId: p.id });
    });
  }

  track(source: MediaSource): MediaStreamTrack | null {
    return this.#published.get(source)?.track ?? null;
  }

  /** Answered (a step of activate()): send what this device publishes unpaused. */
  resumeAll(): Promise<void[]> {
    const resumes = [...this.#producers].map(async ([source, p]) => {
      const pub = this.#published.get(source);
      if (!pub || p.closed) return;
      this.#held.enable(source);
      // Muted while it rang: it stays paused on the server, and now sends nothing from here either.
      if (pub.paused) return p.pause();
      if (p.paused) p.resume();
      // The server ran it when the answer landed (no round trip after the click); an older one waits for this.
      if (!this.#h.answerStartsMedia()) await this.#h.port.request('sfuResumeProducer', { callID: this.#h.callID, producerId: p.id });
    });
    return Promise.all(resumes);
  }

  /** Every published track, once the join's send transport exists. */
  produceAll(epoch: number): Promise<void[]> {
    // Video first: mediasoup-client sends one produce() at a time, and a first video frame is what the others wait for.
    const first: MediaSource[] = ['camera', 'screen', 'mic'];
    return Promise.all(first.filter((s) => this.#published.has(s)).map((s) => this.#produce(s, epoch)));
  }

  /** The browser's own stats for every stream sent. */
  reports(): Promise<StreamReport | null>[] {
    const out: Promise<StreamReport | null>[] = [];
    for (const [source, p] of this.#producers) {
      if (p.closed) continue;
      out.push(p.getStats().then((report) => ({ key: `local-${source}`, direction: 'out' as const, kind: p.kind, source, userId: null, report }), () => null));
    }
    return out;
  }

  /** Forgets the producers (the transports were closed, and the producers with them); published tracks stay. */
  clear(): void {
    this.#producers.clear();
    this.#held.clear();
    this.#emitPublished();
  }

  /** The room closed: the published tracks are forgotten (they are the caller's to stop). */
  close(): void {
    this.#published.clear();
  }

  async #produce(source: MediaSource, epoch: number): Promise<void> {
    const pub = this.#published.get(source);
    if (!pub || !this.#h.send() || this.#producers.get(source)?.closed === false) return;
    // Cameras go as three simulcast layers in VP8 (each receiver then gets the size it shows); a
    // screen share stays one full-size layer, as text must stay sharp.
    // Decided once: an answer (activate) may land while produce() runs; it waits for this step.
    const hold = this.#h.pending();
    const camera = source === 'camera' ? await this.#simulcast() : {};
    // Read after that wait: a close() meanwhile leaves none, and nothing is held or sent then.
    const send = this.#h.send();
    if (!send) throw new TypeError('no send transport');
    const producer = await send.produce({
      track: hold ? this.#held.hold(source, pub.track) : pub.track,
      ...camera,
      // The track is ours to keep across rejoins; pausing sends nothing at all and leaves the
      // track as it is (a held clone's `enabled` is HeldTracks').
      stopTracks: false,
      disableTrackOnPause: false,
      zeroRtpOnPause: true,
      // Ringing: the server holds it paused whatever is asked. A server that starts media on the
      // answer runs what was asked unpaused then (a camera only for a video answer); an older one
      // is asked paused, and activate() resumes it.
      appData: { source, paused: pub.paused || (hold && !this.#h.answerStartsMedia()) },
    });
    if (epoch !== this.#h.epoch()) {
      this.#held.release(source);
      return producer.close();
    }
    if (pub.paused && !hold) producer.pause();
    this.#producers.set(source, producer);
    this.#emitPublished();
  }

  async #simulcast(): Promise<Pick<types.ProducerOptions, 'encodings' | 'codec'>> {
    const device = await this.#h.device();
    const vp8 = device?.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
    return { encodings: CAMERA_ENCODINGS.map((e) => ({ ...e })), ...(vp8 ? { codec: vp8 } : {}) };
  }

  #emitPublished(): void {
    this.#h.onPublished([...this.#published].map(([source, p]) => ({ source, paused: p.paused, live: this.#producers.get(source)?.closed === false })));
  }
}
