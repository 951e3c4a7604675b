import { describe, expect, it } from 'vitest';
import { CAMERA_ENCODINGS, layerForSize, PreferredLayers, type SpatialLayer } from './layers.ts';

describe('layerForSize', () => {
  it('picks the smallest layer that fills the tile', () => {
    expect(layerForSize(140, 79)).toBe(0); // a stage thumbnail
    expect(layerForSize(240, 135)).toBe(0);
    expect(layerForSize(241, 135)).toBe(1);
    expect(layerForSize(440, 248)).toBe(1); // a grid tile
    expect(layerForSize(481, 270)).toBe(2);
    expect(layerForSize(900, 506)).toBe(2); // 1:1
  });

  it('counts device pixels: a grid tile on a 2× screen needs the big layer', () => {
    expect(layerForSize(300, 169, 1)).toBe(1);
    expect(layerForSize(300, 169, 2)).toBe(2);
    expect(layerForSize(100, 56, 2)).toBe(0);
  });

  it('a tall tile is cropped to 16:9, so its height decides', () => {
    expect(layerForSize(200, 300)).toBe(2); // 300 high shows 533 wide of the picture
  });

  it('a hidden or collapsed tile takes the smallest layer', () => {
    expect(layerForSize(0, 0)).toBe(0);
    expect(layerForSize(800, 0)).toBe(0);
    expect(layerForSize(Number.NaN, 300)).toBe(0);
  });

  it('the camera has three encodings, smallest first, ending at full size', () => {
    expect(CAMERA_ENCODINGS.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(CAMERA_ENCODINGS.every((e) => e.maxBitrate > 0)).toBe(true);
  });
});

describe('PreferredLayers', () => {
  it('sends a consumer’s layer the first time and then only when it changes', () => {
    const sent: [string, SpatialLayer][] = [];
    const p = new PreferredLayers((id, layer) => sent.push([id, layer]));
    expect(p.prefer('c1', 2)).toBe(true);
    expect(p.prefer('c1', 2)).toBe(false);
    expect(p.prefer('c1', 2)).toBe(false);
    expect(p.prefer('c2', 2)).toBe(true); // another consumer is its own
    expect(p.prefer('c1', 0)).toBe(true);
    expect(p.prefer('c1', 0)).toBe(false);
    expect(sent).toEqual([
      ['c1', 2],
      ['c2', 2],
      ['c1', 0],
    ]);
    expect(p.get('c1')).toBe(0);
  });

  it('a forgotten consumer (closed, or a rejoin) is asked for again', () => {
    const sent: string[] = [];
    const p = new PreferredLayers((id) => sent.push(id));
    p.prefer('c1', 1);
    p.forget('c1');
    p.prefer('c1', 1);
    p.prefer('c2', 1);
    p.clear();
    p.prefer('c2', 1);
    expect(sent).toEqual(['c1', 'c1', 'c2', 'c2']);
  });
});
