import { MEDIA_KINDS } from './constants.ts';

export type Media = (typeof MEDIA_KINDS)[number];

/**
 * Ringdesk puts the call type in the inviter's extendedData as `{"media":"video"}`. Other clients
 * may send anything there, so reading is forgiving: whatever does not say video is audio.
 */
export function encodeCallMeta(meta: { media: Media }): string {
  return JSON.stringify({ media: meta.media });
}

export function mediaOf(extendedData: string): Media {
  if (!extendedData.startsWith('{')) return 'audio';
  try {
    const v: unknown = JSON.parse(extendedData);
    return typeof v === 'object' && v !== null && (v as { media?: unknown }).media === 'video' ? 'video' : 'audio'; // narrowed to an object just before
  } catch {
    return 'audio';
  }
}
