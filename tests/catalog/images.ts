/** Product photos for tests, drawn with sharp (real JPEG/PNG bytes, so image-size reads real dimensions). */
import sharp from 'sharp';

export async function jpeg(width: number, height: number, color: string, label = ''): Promise<Buffer> {
  const r = Math.min(width, height) / 3;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="${color}"/>
<circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#ffffff" fill-opacity="0.35"/>
<text x="50%" y="54%" font-family="sans-serif" font-size="${Math.round(r / 2.2)}" text-anchor="middle" fill="#222">${label}</text>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

export async function png(width: number, height: number, color: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
}
