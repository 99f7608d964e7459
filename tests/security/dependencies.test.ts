/**
 * Dependencies: the GitHub workflow audits the production dependencies (`npm audit --omit=dev`, which needs
 * the advisory service the CI runner can reach), and the spreadsheet reader no longer pulls exceljs's old
 * transitive packages (fstream, unzipper 0.10, rimraf 2) into production: exceljs is only a test helper now.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';

describe('dependencies', () => {
  it('the workflow runs npm audit on production dependencies right after npm ci', () => {
    const steps = readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('- run:'));
    const ci = steps.indexOf('- run: npm ci');
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(steps).toContain('- run: npm audit --omit=dev');
    expect(steps.indexOf('- run: npm audit --omit=dev')).toBeGreaterThan(ci);
  });

  it('exceljs and its old transitive packages are not production dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('exceljs');
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['yauzl', 'saxes']));
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; version?: string }> };
    const production = Object.entries(lock.packages).filter(([path, p]) => path && !p.dev).map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version}`);
    expect(production.filter((p) => /^(exceljs|fstream|unzipper|rimraf)@(?:[0-2]\.|4\.4)/.test(p))).toEqual([]);
  });
});
