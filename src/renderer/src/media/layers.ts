/**
 * Simulcast: cameras are sent as three layers, and each receiver asks the SFU for the one that fits
 * the tile it shows. Pure (no mediasoup-client), so views import it without loading the client.
 */

export type SpatialLayer = 0 | 1 | 2;

/**
 * The camera's three encodings, smallest first (mediasoup numbers spatial layers in this order).
 * Captured at 640×360 (localMedia.ts): 160×90, 320×180 and 640×360. L1T3: three temporal layers
 * each, so the SFU can also halve the frame rate of a layer on a weak link. No `rid`s: mediasoup-client
 * drops them and its browser handler names the encodings r0, r1, r2 in this order.
 */
export const CAMERA_ENCODINGS = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
] as const;

/** Width of each layer of a 640-wide capture. */
const LAYER_WIDTH = [160, 320, 640] as const;
/** Upscaling a layer by up to this much still looks fine, and saves the next layer's bitrate. */
const UPSCALE = 1.5;

/**
 * The smallest layer that fills a tile of `width`×`height` CSS pixels. Tiles crop to 16:9
 * (object-fit: cover), so a tall tile needs the width its height implies. A hidden tile (0×0) gets
 * the smallest layer: it shows nothing, so it should cost the least.
 */
export function layerForSize(width: number, height: number, devicePixelRatio = 1): SpatialLayer {
  if (!(width > 0) || !(height > 0)) return 0;
  const needed = Math.max(width, (height * 16) / 9) * Math.max(1, devicePixelRatio);
  if (needed <= LAYER_WIDTH[0] * UPSCALE) return 0;
  if (needed <= LAYER_WIDTH[1] * UPSCALE) return 1;
  return 2;
}

/**
 * Remembers the layer asked for per consumer, so a resize that stays within one layer sends
 * nothing: ResizeObserver fires at every frame of a window drag.
 */
export class PreferredLayers {
  readonly #asked = new Map<string, SpatialLayer>();
  readonly #send: (consumerId: string, layer: SpatialLayer) => void;

  constructor(send: (consumerId: string, layer: SpatialLayer) => void) {
    this.#send = send;
  }

  /** The tile showing `consumerId` now wants `layer`; true when that was sent. */
  prefer(consumerId: string, layer: SpatialLayer): boolean {
    if (this.#asked.get(consumerId) === layer) return false;
    this.#asked.set(consumerId, layer);
    this.#send(consumerId, layer);
    return true;
  }

  get(consumerId: string): SpatialLayer | undefined {
    return this.#asked.get(consumerId);
  }

  /** The consumer is gone (closed, or the room rejoined with new ids). */
  forget(consumerId: string): void {
    this.#asked.delete(consumerId);
  }

  clear(): void {
    this.#asked.clear();
  }
}
