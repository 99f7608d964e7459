/**
 * Second half of `npm run build`: copies the files the compiled code reads from disk at run time into dist/,
 * at the same relative places as in the sources, so `node dist/bot/main.js` finds them as `tsx bot/main.ts` does.
 */
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
/** dist/ by default; a test builds into another folder (`tsx scripts/build-assets.ts <outDir>`). */
const OUT = resolve(process.argv[2] ?? join(ROOT, 'dist'));

/** Folders (relative to the repository root) whose files the code opens at run time. */
export const RUNTIME_ASSETS = ['locales', 'services/reference', 'bot/demo/assets', 'bot/web/static'];

for (const rel of RUNTIME_ASSETS) {
  const from = join(ROOT, rel);
  if (existsSync(from)) cpSync(from, join(OUT, rel), { recursive: true });
}
console.log(`build: copied ${RUNTIME_ASSETS.filter((r) => existsSync(join(ROOT, r))).join(', ')} into ${OUT}`);
