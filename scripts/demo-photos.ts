/**
 * Renders the demo's illustrated portraits and event cover from SVG with sharp, into
 * apps/server/src/seed/photos/. The files are committed, so the seed needs no network and no
 * generator at run time; run this again only to change the drawings:
 *
 *   npx node scripts/demo-photos.ts
 *
 * Shapes only, no text: librsvg's fonts differ between machines and the output must not.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const outDir = path.join(import.meta.dirname, '../apps/server/src/seed/photos');
/** Shown at most 120 CSS px wide (240 device px): one 320 px rendition is sharp and keeps the seed fast. */
const SIZE = 320;

interface Portrait {
  key: string;
  background: string;
  skin: string;
  hair: string;
  shirt: string;
  hairStyle: 'short' | 'long' | 'bun' | 'curly' | 'bald';
  glasses?: boolean;
  beard?: boolean;
}

/** One per demo person (keys as in apps/server/src/seed/demo.ts): distinct at a glance. */
const portraits: Portrait[] = [
  {
    key: 'organiser',
    background: '#f4a261',
    skin: '#8d5524',
    hair: '#1b1b1b',
    shirt: '#264653',
    hairStyle: 'curly',
  },
  {
    key: 'staff',
    background: '#a8dadc',
    skin: '#f1c27d',
    hair: '#6f4e37',
    shirt: '#e63946',
    hairStyle: 'short',
    beard: true,
  },
  {
    key: 'speaker',
    background: '#cdb4db',
    skin: '#c68642',
    hair: '#0d0d0d',
    shirt: '#2a9d8f',
    hairStyle: 'long',
    glasses: true,
  },
  {
    key: 'speaker2',
    background: '#ffd166',
    skin: '#e0ac69',
    hair: '#3b2314',
    shirt: '#118ab2',
    hairStyle: 'short',
  },
  {
    key: 'speaker3',
    background: '#bde0fe',
    skin: '#ffdbac',
    hair: '#2b2b2b',
    shirt: '#ef476f',
    hairStyle: 'bun',
  },
  {
    key: 'speaker4',
    background: '#caffbf',
    skin: '#5c3a1e',
    hair: '#121212',
    shirt: '#6a4c93',
    hairStyle: 'bald',
    glasses: true,
    beard: true,
  },
  {
    key: 'attendee',
    background: '#ffc8dd',
    skin: '#f5d0a9',
    hair: '#b5651d',
    shirt: '#457b9d',
    hairStyle: 'long',
  },
];

function hairBack(p: Portrait): string {
  if (p.hairStyle === 'long')
    return `<path d="M150 210 Q150 110 240 105 Q330 110 330 210 L345 380 L135 380 Z" fill="${p.hair}"/>`;
  if (p.hairStyle === 'bun') return `<circle cx="240" cy="88" r="42" fill="${p.hair}"/>`;
  return '';
}

function hairFront(p: Portrait): string {
  switch (p.hairStyle) {
    case 'short':
      return `<path d="M165 200 Q165 115 240 112 Q318 115 316 200 Q300 150 240 150 Q185 152 165 200 Z" fill="${p.hair}"/>`;
    case 'long':
    case 'bun':
      return `<path d="M162 205 Q165 118 240 115 Q318 118 318 205 Q290 160 230 150 Q190 165 162 205 Z" fill="${p.hair}"/>`;
    case 'curly':
      return [0, 1, 2, 3, 4, 5, 6]
        .map(
          (i) =>
            `<circle cx="${170 + i * 23}" cy="${140 - Math.sin((i / 6) * Math.PI) * 25}" r="30" fill="${p.hair}"/>`,
        )
        .join('');
    case 'bald':
      return '';
  }
}

function portraitSvg(p: Portrait): string {
  const glasses = p.glasses
    ? `<g fill="none" stroke="#222" stroke-width="6"><circle cx="212" cy="215" r="22"/><circle cx="268" cy="215" r="22"/><path d="M234 215 H246"/></g>`
    : '';
  const beard = p.beard
    ? `<path d="M182 240 Q185 305 240 312 Q295 305 298 240 Q280 282 240 284 Q200 282 182 240 Z" fill="${p.hair}"/>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 480 480">
  <rect width="480" height="480" fill="${p.background}"/>
  <circle cx="400" cy="80" r="120" fill="#ffffff" opacity="0.18"/>
  ${hairBack(p)}
  <path d="M90 480 Q95 350 240 340 Q385 350 390 480 Z" fill="${p.shirt}"/>
  <rect x="215" y="280" width="50" height="70" rx="20" fill="${p.skin}"/>
  <ellipse cx="240" cy="215" rx="78" ry="95" fill="${p.skin}"/>
  ${hairFront(p)}
  <circle cx="212" cy="215" r="8" fill="#222"/><circle cx="268" cy="215" r="8" fill="#222"/>
  ${glasses}
  <path d="M215 262 Q240 282 265 262" fill="none" stroke="#7a2e2e" stroke-width="6" stroke-linecap="round"/>
  ${beard}
</svg>`;
}

/** A wide cover: overlapping rounded shapes in the demo's colours, like a stage and its crowd. */
function coverSvg(): string {
  const crowd = Array.from({ length: 22 }, (_, i) => {
    const x = 40 + i * 72;
    const hue = ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51'][i % 5];
    return `<circle cx="${x}" cy="${560 - (i % 3) * 14}" r="34" fill="${hue}"/><rect x="${x - 42}" y="${590 - (i % 3) * 14}" width="84" height="80" rx="36" fill="${hue}"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="640" viewBox="0 0 1600 640">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1d3557"/><stop offset="1" stop-color="#6a4c93"/></linearGradient></defs>
  <rect width="1600" height="640" fill="url(#sky)"/>
  <path d="M0 160 L520 0 L620 0 L120 640 L0 640 Z" fill="#ffffff" opacity="0.07"/>
  <path d="M1600 160 L1080 0 L980 0 L1480 640 L1600 640 Z" fill="#ffffff" opacity="0.07"/>
  <rect x="420" y="150" width="760" height="300" rx="24" fill="#f1faee" opacity="0.95"/>
  <rect x="470" y="200" width="420" height="36" rx="18" fill="#e63946"/>
  <rect x="470" y="260" width="620" height="22" rx="11" fill="#457b9d"/>
  <rect x="470" y="300" width="540" height="22" rx="11" fill="#457b9d" opacity="0.7"/>
  <rect x="470" y="340" width="580" height="22" rx="11" fill="#457b9d" opacity="0.5"/>
  ${crowd}
</svg>`;
}

fs.mkdirSync(outDir, { recursive: true });
for (const p of portraits) {
  const file = path.join(outDir, `${p.key}.webp`);
  await sharp(Buffer.from(portraitSvg(p)))
    .webp({ quality: 82 })
    .toFile(file);
  console.log(file, fs.statSync(file).size);
}
const cover = path.join(outDir, 'cover.webp');
await sharp(Buffer.from(coverSvg())).webp({ quality: 80 }).toFile(cover);
console.log(cover, fs.statSync(cover).size);
