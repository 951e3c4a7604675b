import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PNG_SIGNATURE, drawIcon, encodePng, iconKey, iconPng, overlayBadgePng, type IconGlyph } from './trayIcons.ts';

type Chunk = { type: string; data: Buffer; crcOk: boolean };

/** A minimal PNG reader: enough to prove the encoder writes what a decoder expects. */
function readPng(png: Buffer): { width: number; height: number; rgba: Buffer; chunks: Chunk[] } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const chunks: Chunk[] = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const data = png.subarray(o + 8, o + 8 + len);
    const crcOk = png.readUInt32BE(o + 8 + len) === crc32(png.subarray(o + 4, o + 8 + len));
    chunks.push({ type, data, crcOk });
    o += 12 + len;
  }
  const ihdr = chunks[0]?.data ?? Buffer.alloc(13);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba, chunks };
}

const alphaAt = (rgba: Uint8Array, size: number, x: number, y: number): number => rgba[(y * size + x) * 4 + 3] ?? -1;

describe('encodePng', () => {
  it('writes IHDR, IDAT and IEND with valid CRCs and the exact pixels', () => {
    const px = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4]);
    const png = readPng(encodePng(2, 2, px));
    expect(png.chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.chunks.every((c) => c.crcOk)).toBe(true);
    expect([...(png.chunks[0]?.data.subarray(8) ?? [])]).toEqual([8, 6, 0, 0, 0]);
    expect([...png.rgba]).toEqual([...px]);
  });
  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(TypeError);
  });
});

describe('tray icons', () => {
  it.each([16, 32])('is %i px square and transparent in the corners', (size) => {
    const { width, height, rgba } = readPng(iconPng({ glyph: 'online', badge: false, template: false }, size));
    expect([width, height]).toEqual([size, size]);
    expect(alphaAt(rgba, size, 0, size - 1)).toBe(0);
    expect(alphaAt(rgba, size, size / 2, size / 2)).toBe(255);
  });

  it('gives each state its own shape, so a template (alpha-only) icon still tells them apart', () => {
    const glyphs: IconGlyph[] = ['online', 'connecting', 'offline', 'dnd', 'ring'];
    const alphas = glyphs.map((glyph) => {
      const px = drawIcon({ glyph, badge: false, template: true }, 16);
      return px.filter((_, i) => i % 4 === 3).join(',');
    });
    expect(new Set(alphas).size).toBe(glyphs.length);
  });

  it('offline is hollow and dnd has its bar cut out of the middle', () => {
    expect(alphaAt(drawIcon({ glyph: 'offline', badge: false, template: false }, 16), 16, 8, 8)).toBe(0);
    expect(alphaAt(drawIcon({ glyph: 'online', badge: false, template: false }, 16), 16, 8, 8)).toBe(255);
    const dnd = drawIcon({ glyph: 'dnd', badge: false, template: false }, 16);
    expect(alphaAt(dnd, 16, 7, 7)).toBe(0);
    expect(alphaAt(dnd, 16, 8, 4)).toBe(255);
  });

  it('template icons are black plus alpha; colour icons are not', () => {
    const t = drawIcon({ glyph: 'online', badge: true, template: true }, 32);
    for (let i = 0; i < t.length; i += 4) expect([t[i], t[i + 1], t[i + 2]]).toEqual([0, 0, 0]);
    const c = drawIcon({ glyph: 'online', badge: false, template: false }, 32);
    const o = (16 * 32 + 16) * 4;
    expect([c[o], c[o + 1], c[o + 2]]).toEqual([46, 157, 79]);
  });

  it('the missed-call badge adds red pixels in the top-right corner', () => {
    const o = (2 * 16 + 13) * 4;
    const plain = drawIcon({ glyph: 'offline', badge: false, template: false }, 16);
    const badged = drawIcon({ glyph: 'offline', badge: true, template: false }, 16);
    expect(plain[o + 3]).toBe(0);
    expect([badged[o], badged[o + 1], badged[o + 2], badged[o + 3]]).toEqual([224, 36, 94, 255]);
  });

  it('names variants the macOS way', () => {
    expect(iconKey({ glyph: 'dnd', badge: true, template: true })).toBe('dnd+badgeTemplate');
    expect(iconKey({ glyph: 'ring', badge: false, template: false })).toBe('ring');
  });

  it('the overlay badge is an opaque red dot', () => {
    const { width, rgba } = readPng(overlayBadgePng(16));
    expect(width).toBe(16);
    expect([...rgba.subarray((8 * 16 + 8) * 4, (8 * 16 + 8) * 4 + 4)]).toEqual([224, 36, 94, 255]);
    expect(alphaAt(rgba, 16, 0, 0)).toBe(0);
  });
});
