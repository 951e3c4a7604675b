import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * The app icon as pixels: drawn in code (so the source image can be regenerated with no design
 * tool), and the few PNG and scaling steps gen-icons.ts needs, with node:zlib only.
 */

export interface Rgba {
  width: number;
  height: number;
  /** Straight (not premultiplied) RGBA, row by row. */
  data: Uint8Array;
}

const TOP = [64, 128, 240] as const;
const BOTTOM = [29, 79, 184] as const;
/** macOS and Windows icons leave a margin: the tile fills about 80% of the canvas. */
const TILE = 0.8;
const CORNER = 0.225;
const SS = 3;

/** The white glyph on the unit square: a dot, a ring around it, and one outer wave to the top right. */
function glyph(x: number, y: number): boolean {
  const d = Math.hypot(x - 0.5, y - 0.5);
  return d <= 0.09 || (d >= 0.16 && d <= 0.21) || (d >= 0.27 && d <= 0.32 && x > 0.5 && y < 0.5);
}

function inTile(x: number, y: number): boolean {
  const m = (1 - TILE) / 2;
  const r = CORNER * TILE;
  if (x < m || y < m || x > 1 - m || y > 1 - m) return false;
  const cx = Math.min(Math.max(x, m + r), 1 - m - r);
  const cy = Math.min(Math.max(y, m + r), 1 - m - r);
  return Math.hypot(x - cx, y - cy) <= r;
}

/** The source image: a blue rounded tile with a white ring, anti-aliased by supersampling. */
export function drawSource(size: number): Rgba {
  const data = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let white = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          if (!inTile(x, y)) continue;
          tile++;
          if (glyph(x, y)) white++;
        }
      }
      const i = (py * size + px) * 4;
      if (tile === 0) continue;
      const t = py / size;
      const w = white / tile;
      for (let c = 0; c < 3; c++) {
        const base = (TOP[c] ?? 0) * (1 - t) + (BOTTOM[c] ?? 0) * t;
        data[i + c] = Math.round(base * (1 - w) + 255 * w);
      }
      data[i + 3] = Math.round((255 * tile) / (SS * SS));
    }
  }
  return { width: size, height: size, data };
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

export function encodePng(img: Rgba): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const stride = img.width * 4;
  const raw = Buffer.alloc((stride + 1) * img.height);
  for (let y = 0; y < img.height; y++) raw.set(img.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reads 8-bit RGBA, non-interlaced PNGs (what encodePng and most editors write); anything else is refused by name. */
export function decodePng(png: Buffer): Rgba {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let pos = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (pos + 8 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, color, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || color !== 6 || interlace !== 0) throw new Error(`the source PNG must be 8-bit RGBA, not interlaced (depth ${depth}, colour type ${color})`);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (width === 0 || idat.length === 0) throw new Error('the PNG has no image data');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= 4 ? (data[y * stride + x - 4] ?? 0) : 0;
      const b = y > 0 ? (data[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= 4 && y > 0 ? (data[(y - 1) * stride + x - 4] ?? 0) : 0;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      data[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, data };
}

/** Area-average downscale by a whole factor, weighting colour by alpha so edges do not darken. */
export function downscale(img: Rgba, size: number): Rgba {
  if (img.width !== img.height) throw new Error('the source image must be square');
  if (img.width % size !== 0) throw new Error(`${img.width} px does not divide into ${size} px`);
  const f = img.width / size;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < f; sy++) {
        for (let sx = 0; sx < f; sx++) {
          const i = ((y * f + sy) * img.width + x * f + sx) * 4;
          const al = img.data[i + 3] ?? 0;
          r += (img.data[i] ?? 0) * al;
          g += (img.data[i + 1] ?? 0) * al;
          b += (img.data[i + 2] ?? 0) * al;
          a += al;
        }
      }
      const o = (y * size + x) * 4;
      if (a > 0) data.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round(a / (f * f))], o);
    }
  }
  return { width: size, height: size, data };
}
