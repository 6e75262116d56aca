import { createCanvas, loadImage } from '@napi-rs/canvas';

export interface DecodedPng {
  width: number;
  height: number;
  /** Pixel statistics of a rectangle: dark (luma < 80) and light (luma > 200) pixel counts, max luma. */
  region(x1: number, y1: number, x2: number, y2: number): { dark: number; light: number; maxLuma: number };
}

/** Decodes a PNG (checking its signature) so tests can look at pixels. */
export async function readPng(png: Buffer): Promise<DecodedPng> {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('not a PNG');
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  return {
    width: img.width,
    height: img.height,
    region(x1, y1, x2, y2) {
      let dark = 0;
      let light = 0;
      let maxLuma = 0;
      for (let y = y1; y < y2; y++)
        for (let x = x1; x < x2; x++) {
          const i = (y * img.width + x) * 4;
          const l = 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0);
          if (l < 80) dark++;
          if (l > 200) light++;
          if (l > maxLuma) maxLuma = l;
        }
      return { dark, light, maxLuma };
    },
  };
}
