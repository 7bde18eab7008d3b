/**
 * Draws the app icon (a document page under a magnifier) and writes the PNGs the manifest lists:
 * `npx tsx scripts/icons.ts`. The maskable variant keeps the drawing inside the central 80 % safe zone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';

const OUT = resolve(import.meta.dirname, '../public/icons');
const BACKGROUND = '#1f3a5f';

/** The drawing on a 512 unit canvas; `scale` shrinks it around the centre (maskable safe zone). */
function iconSvg(scale: number, rounded: boolean): string {
  const offset = (512 * (1 - scale)) / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <rect width="512" height="512" rx="${rounded ? 96 : 0}" fill="${BACKGROUND}"/>
  <g transform="translate(${offset} ${offset}) scale(${scale})">
    <path d="M128 72h180l76 76v292H128z" fill="#f5f7fa"/>
    <path d="M308 72v76h76z" fill="#c9d3df"/>
    <g fill="#9fb0c4">
      <rect x="164" y="180" width="180" height="18" rx="9"/>
      <rect x="164" y="222" width="140" height="18" rx="9"/>
      <rect x="164" y="264" width="100" height="18" rx="9"/>
    </g>
    <circle cx="300" cy="330" r="70" fill="none" stroke="#f2a93b" stroke-width="28"/>
    <path d="M350 380l62 62" stroke="#f2a93b" stroke-width="36" stroke-linecap="round"/>
  </g>
</svg>`;
}

const ICONS = [
  { file: 'icon-192.png', size: 192, scale: 1, rounded: true },
  { file: 'icon-512.png', size: 512, scale: 1, rounded: true },
  { file: 'maskable-512.png', size: 512, scale: 0.72, rounded: false },
  { file: 'apple-touch-icon-180.png', size: 180, scale: 0.86, rounded: false },
];

mkdirSync(OUT, { recursive: true });
writeFileSync(resolve(OUT, 'icon.svg'), iconSvg(1, true));
for (const icon of ICONS) {
  await sharp(Buffer.from(iconSvg(icon.scale, icon.rounded))).resize(icon.size, icon.size).png({ compressionLevel: 9 }).toFile(resolve(OUT, icon.file));
}
console.log(`wrote ${ICONS.length} icons to ${OUT}`);
