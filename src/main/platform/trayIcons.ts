import { crc32, deflateSync } from 'node:zlib';

/**
 * Tray and overlay icons, drawn in code and encoded as PNG with node:zlib. No binary assets to
 * ship or to resolve inside app.asar, and the shapes can be unit-tested pixel by pixel.
 *
 * Each state has its own shape (not only its own colour), because macOS tints template images
 * and keeps only their alpha: online = filled disc, connecting = ring with a dot, offline = thin
 * ring, do-not-disturb = disc with a bar through it, ring = small disc inside a wave.
 */

export type IconGlyph = 'online' | 'connecting' | 'offline' | 'dnd' | 'ring';

export interface IconSpec {
  glyph: IconGlyph;
  /** The missed-call dot in the top-right corner. */
  badge: boolean;
  /** macOS template image: black plus alpha, tinted by the menu bar. */
  template: boolean;
}

type Rgb = readonly [number, number, number];
const COLORS: Record<IconGlyph, Rgb> = {
  online: [46, 157, 79],
  connecting: [217, 154, 28],
  offline: [138, 138, 138],
  dnd: [209, 52, 59],
  ring: [47, 111, 228],
};
const BADGE_COLOR: Rgb = [224, 36, 94];
const BLACK: Rgb = [0, 0, 0];

/** Design grid: every shape is laid out on 16 units, whatever the pixel size. */
const GRID = 16;
const C = 8;
const BADGE_X = 12.5;
const BADGE_Y = 3.5;
const BADGE_R = 3;
/** Transparent gap around the badge so it reads as separate from the glyph. */
const BADGE_GAP = 1;
/** Samples per pixel along each axis, for smooth edges. */
const SS = 4;

function glyphCovers(glyph: IconGlyph, x: number, y: number): boolean {
  const d = Math.hypot(x - C, y - C);
  switch (glyph) {
    case 'online':
      return d <= 6;
    case 'connecting':
      return (d <= 6 && d >= 4) || d <= 1.75;
    case 'offline':
      return d <= 6 && d >= 4.75;
    case 'dnd':
      return d <= 6 && !(Math.abs(y - C) <= 1.25 && Math.abs(x - C) <= 3.75);
    case 'ring':
      return d <= 3.5 || (d >= 5.5 && d <= 7);
    default:
      return missingGlyph(glyph);
  }
}

function missingGlyph(g: never): never {
  throw new TypeError(`unknown tray glyph ${String(g)}`);
}

/** The colour at one point of the design grid, or null where the icon is transparent. */
function sample(spec: IconSpec, x: number, y: number): Rgb | null {
  if (spec.badge) {
    const db = Math.hypot(x - BADGE_X, y - BADGE_Y);
    if (db <= BADGE_R) return spec.template ? BLACK : BADGE_COLOR;
    if (db <= BADGE_R + BADGE_GAP) return null;
  }
  if (!glyphCovers(spec.glyph, x, y)) return null;
  return spec.template ? BLACK : COLORS[spec.glyph];
}

/** Straight (not premultiplied) RGBA pixels, rows top to bottom, as PNG wants them. */
export function drawIcon(spec: IconSpec, size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new TypeError(`icon size must be 1..256, got ${size}`);
  const out = new Uint8Array(size * size * 4);
  const unit = GRID / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let hits = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = sample(spec, (px + (sx + 0.5) / SS) * unit, (py + (sy + 0.5) / SS) * unit);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          hits++;
        }
      }
      if (hits === 0) continue;
      const o = (py * size + px) * 4;
      out[o] = Math.round(r / hits);
      out[o + 1] = Math.round(g / hits);
      out[o + 2] = Math.round(b / hits);
      out[o + 3] = Math.round((255 * hits) / (SS * SS));
    }
  }
  return out;
}

/** Encodes RGBA pixels as a PNG (colour type 6, 8 bits, no interlace). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new TypeError(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  // Each scanline starts with its filter type; 0 (None) keeps the encoder trivial.
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function iconPng(spec: IconSpec, size: number): Buffer {
  return encodePng(size, size, drawIcon(spec, size));
}

/** The red dot Windows lays over the taskbar button for missed calls. */
export function overlayBadgePng(size = 16): Buffer {
  const px = new Uint8Array(size * size * 4);
  const r = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          if (Math.hypot(x + (sx + 0.5) / SS - r, y + (sy + 0.5) / SS - r) <= r - 0.5) hits++;
        }
      }
      if (hits === 0) continue;
      const o = (y * size + x) * 4;
      px.set([...BADGE_COLOR, Math.round((255 * hits) / (SS * SS))], o);
    }
  }
  return encodePng(size, size, px);
}

/** A stable key for caching one NativeImage per icon variant. */
export const iconKey = (spec: IconSpec): string => `${spec.glyph}${spec.badge ? '+badge' : ''}${spec.template ? 'Template' : ''}`;

export const pngDataUrl = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;
