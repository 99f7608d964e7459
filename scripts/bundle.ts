/**
 * Third step of `npm run build`: the bot's compiled entry (<out>/bot/main.js, as tsc emitted it) becomes one
 * ESM bundle with its dependencies (esbuild), written over it. Loading ~2,000 module files is most of a cold
 * start (about 0.4 s of 1.5 s here); one file parses faster. Left outside the bundle, loaded from
 * node_modules: native addons (better-sqlite3, sharp) and the heavy libraries that load on first use only
 * (exceljs, pdfkit, qrcode) — the start does not pay for them. Code-split chunks (demo mode) go to
 * <out>/bot/chunks/. The other compiled files stay (scripts such as the benchmarks' baseline run from them).
 *
 *   tsx scripts/bundle.ts [outDir]      # dist/ by default
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'dist'));
const EXTERNAL = ['better-sqlite3', 'sharp', 'exceljs', 'pdfkit', 'qrcode'];

rmSync(join(OUT, 'bot', 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: { main: join(OUT, 'bot', 'main.js') },
  outdir: join(OUT, 'bot'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS packages inside an ESM bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __lagCreateRequire } from 'node:module'; const require = __lagCreateRequire(import.meta.url);" },
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundle: ${join(OUT, 'bot', 'main.js')} and ${Object.keys(result.metafile.outputs).length - 1} more files, ${(bytes / 1e6).toFixed(1)} MB`);
