/**
 * Where the files the code opens at run time live (locales/, services/reference/, bot/web/static/,
 * bot/demo/assets/): the repository root when the sources run (tsx), the build folder when the build runs —
 * file by file as tsc emits it, or as the one bundle `npm run build` makes of the bot (dist/bot/main.js).
 * Found once: the nearest folder above this module's that has a locales/ folder.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'locales', 'en'))) return dir;
    if (dirname(dir) === dir) throw new Error(`locales/ not found above ${from}: run from a checkout or a complete build`);
  }
}

export const ASSET_ROOT = findRoot(import.meta.dirname);

/** A path inside the asset root, e.g. assetPath('bot', 'web', 'static', 'share.js'). */
export function assetPath(...parts: string[]): string {
  return join(ASSET_ROOT, ...parts);
}
