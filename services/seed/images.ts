/**
 * Small valid photos for seeded products and logos, drawn with sharp from SVG (no text: no fonts needed).
 * 600×600 JPEGs, above Meta's 500×500 minimum, about 10–20 KB each.
 */
import sharp from 'sharp';

const PALETTES: [string, string, string][] = [
  ['#f6c445', '#e08e0b', '#8a4b08'], // honey
  ['#9bd36b', '#3f8f3a', '#c0392b'], // orchard
  ['#b06ab3', '#4a235a', '#f4d03f'], // grapes, wine
  ['#f5f5dc', '#d4c59a', '#7f6a3a'], // bread, dairy
  ['#85c1e9', '#2e86c1', '#1b4f72'], // water, fish
  ['#f1948a', '#c0392b', '#27ae60'], // flowers, vegetables
  ['#d7bde2', '#8e44ad', '#f9e79f'],
  ['#a3e4d7', '#148f77', '#f0b27a'],
];

export const SEED_IMAGE_SIZE = 600;

/** The i-th seed image (deterministic). */
export async function seedImage(i: number): Promise<Buffer> {
  const [a, b, c] = PALETTES[i % PALETTES.length];
  const s = SEED_IMAGE_SIZE;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>
    <rect width="${s}" height="${s}" fill="url(#g)"/>
    <circle cx="${200 + (i % 3) * 60}" cy="${260 + (i % 2) * 50}" r="${120 + (i % 4) * 15}" fill="${c}" opacity="0.85"/>
    <circle cx="${400 - (i % 3) * 30}" cy="${360}" r="${70 + (i % 5) * 8}" fill="#ffffff" opacity="0.35"/>
    <rect x="0" y="${s - 90}" width="${s}" height="90" fill="#000000" opacity="0.12"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 72 }).toBuffer();
}
