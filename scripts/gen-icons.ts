// Every platform's app icon from one source image: build/icon-source.png (1024 px, 8-bit RGBA).
//   npm run icons                 regenerate build/icon.png, build/icons/*.png, icon.ico, icon.icns
//   npm run icons -- --draw       first redraw the source image from scripts/iconImage.ts
// A designer's 1024 px PNG can replace icon-source.png; run `npm run icons` after.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import png2icons from 'png2icons';
import { decodePng, downscale, drawSource, encodePng } from './iconImage.ts';

export const SOURCE_SIZE = 1024;
/** Linux wants a folder of <n>x<n>.png; 1024 divides by all of them. */
export const PNG_SIZES = [16, 32, 64, 128, 256, 512, 1024] as const;

export interface IconFiles {
  [relativePath: string]: Buffer;
}

/** Builds every icon file from the source PNG's bytes. Throws with a clear message on a bad source. */
export function iconFiles(sourcePng: Buffer): IconFiles {
  const src = decodePng(sourcePng);
  if (src.width !== SOURCE_SIZE || src.height !== SOURCE_SIZE) throw new Error(`build/icon-source.png must be ${SOURCE_SIZE}×${SOURCE_SIZE}, not ${src.width}×${src.height}`);
  const files: IconFiles = {};
  for (const n of PNG_SIZES) files[`icons/${n}x${n}.png`] = n === SOURCE_SIZE ? sourcePng : encodePng(downscale(src, n));
  files['icon.png'] = encodePng(downscale(src, 512));
  // Bicubic from the full-size source; ICO as PNG entries for the exe resource (forWinExe).
  const ico = png2icons.createICO(sourcePng, png2icons.BICUBIC2, 0, false, true);
  const icns = png2icons.createICNS(sourcePng, png2icons.BICUBIC2, 0);
  if (!ico || !icns) throw new Error('png2icons could not convert the source image');
  files['icon.ico'] = ico;
  files['icon.icns'] = icns;
  return files;
}

function main(): void {
  const buildDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build');
  const sourcePath = join(buildDir, 'icon-source.png');
  if (process.argv.includes('--draw')) writeFileSync(sourcePath, encodePng(drawSource(SOURCE_SIZE)));
  const files = iconFiles(readFileSync(sourcePath));
  for (const [rel, bytes] of Object.entries(files)) {
    const path = join(buildDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    process.stdout.write(`build/${rel} (${bytes.length} bytes)\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
