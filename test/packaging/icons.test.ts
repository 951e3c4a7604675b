import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iconFiles, PNG_SIZES, SOURCE_SIZE } from '../../scripts/gen-icons.ts';
import { decodePng, downscale, drawSource, encodePng } from '../../scripts/iconImage.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('icon generation (scripts/gen-icons.ts)', () => {
  it('round-trips a PNG through its encoder and decoder', () => {
    const img = drawSource(64);
    const back = decodePng(encodePng(img));
    expect(back.width).toBe(64);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('draws a transparent margin and an opaque tile', () => {
    const img = drawSource(100);
    expect(img.data[3]).toBe(0); // top-left corner pixel, alpha
    expect(img.data[(50 * 100 + 30) * 4 + 3]).toBe(255); // inside the tile
  });

  it('downscales by averaging, weighted by alpha', () => {
    // 2×2: one opaque red pixel and three transparent ones → a quarter-opaque red pixel.
    const img = { width: 2, height: 2, data: new Uint8Array([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) };
    expect([...downscale(img, 1).data]).toEqual([255, 0, 0, 64]);
    expect(() => downscale(img, 3)).toThrow(/does not divide/);
  });

  it('refuses a source that is not a PNG, or the wrong size, with a message saying so', () => {
    expect(() => decodePng(Buffer.from('GIF89a'))).toThrow(/not a PNG/);
    expect(() => iconFiles(encodePng(drawSource(32)))).toThrow(/must be 1024×1024, not 32×32/);
  });

  it('matches the committed icons: build/ is exactly what the script makes from icon-source.png', () => {
    const files = iconFiles(readFileSync(join(ROOT, 'build/icon-source.png')));
    expect(Object.keys(files).sort()).toEqual([...PNG_SIZES.map((n) => `icons/${n}x${n}.png`), 'icon.icns', 'icon.ico', 'icon.png'].sort());
    for (const [rel, bytes] of Object.entries(files)) expect(readFileSync(join(ROOT, 'build', rel)).equals(bytes), rel).toBe(true);
    expect(decodePng(readFileSync(join(ROOT, 'build/icon-source.png'))).width).toBe(SOURCE_SIZE);
  });
});
