/**
 * Screenshots as data URIs for the self-contained page. A blob becomes an image only when its magic
 * bytes say PNG, JPEG or WebP (a stored blob is app-influenced; its type is never taken on trust), and
 * within a per-image and a per-report budget so the file stays small.
 */
import { log } from '../log.ts';

export const MAX_IMAGE_BYTES = 1024 * 1024;
export const MAX_IMAGES_BYTES = 8 * 1024 * 1024;

export type ImageLoader = (hash: string) => string | null;

export function imageType(bytes: Uint8Array): string | null {
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return 'image/png';
  }
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length > 12 &&
    Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' &&
    Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

/** A loader over `readBlob` that caches, checks types and stops embedding once the budget is spent. */
export function imageLoader(
  readBlob: (hash: string) => Buffer,
  budget = MAX_IMAGES_BYTES,
  perImage = MAX_IMAGE_BYTES,
): ImageLoader {
  const cache = new Map<string, string | null>();
  let spent = 0;
  return (hash) => {
    const hit = cache.get(hash);
    if (hit !== undefined) return hit;
    let uri: string | null = null;
    try {
      const bytes = readBlob(hash);
      const type = imageType(bytes);
      if (type && bytes.length <= perImage && spent + bytes.length <= budget) {
        spent += bytes.length;
        uri = `data:${type};base64,${bytes.toString('base64')}`;
      }
    } catch (err) {
      log.warn({ err, hash }, 'screenshot blob could not be read; shown as missing');
    }
    cache.set(hash, uri);
    return uri;
  };
}
