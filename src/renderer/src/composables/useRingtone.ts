import { onScopeDispose, readonly, ref, watch, type Ref } from 'vue';
import { defaultAudioContext, RingtonePlayer, type AudioContextFactory, type Ringtone } from './ringtones.ts';

export interface RingtoneOptions {
  /** Ring while this is true; stop the moment it is not. */
  active: () => boolean;
  tone: () => Ringtone;
  /** 0..1 */
  volume: () => number;
  audio?: AudioContextFactory;
}

/** Loops the chosen ringtone while `active()` holds; stops when it turns false and when the owner unmounts. */
export function useRingtone(o: RingtoneOptions): { playing: Readonly<Ref<boolean>>; stop: () => void } {
  const player = new RingtonePlayer(o.audio ?? defaultAudioContext);
  const playing = ref(false);
  const sync = (): void => {
    playing.value = player.playing;
  };
  watch(
    () => [o.active(), o.tone()] as const,
    ([active, tone]) => {
      if (active) player.start(tone, o.volume());
      else player.stop();
      sync();
    },
    { immediate: true, flush: 'sync' },
  );
  watch(o.volume, (v) => player.setVolume(v));
  const stop = (): void => {
    player.stop();
    sync();
  };
  onScopeDispose(stop);
  return { playing: readonly(playing), stop };
}

/** A one-shot preview for Settings: two cycles of a tone, restartable, stopped on unmount. */
export function useRingtonePreview(audio: AudioContextFactory = defaultAudioContext): {
  play: (tone: Ringtone, volume: number) => void;
  stop: () => void;
  playing: () => boolean;
} {
  const player = new RingtonePlayer(audio);
  onScopeDispose(() => player.stop());
  return { play: (tone, volume) => player.start(tone, volume, 2), stop: () => player.stop(), playing: () => player.playing };
}
