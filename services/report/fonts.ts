import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** The DejaVu TTF directory shipped in the dejavu-fonts-ttf npm package (the chart, the report PDF, the posters). */
export const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
