/**
 * The compiled program runs: `npm run build`'s three steps (tsc, assets, bundle) into a scratch folder, then
 * `node <out>/bot/main.js --demo` (the bundle) starts — locales, reference data and the web chat's files found
 * beside it, the libraries kept outside the bundle (pdfkit, qrcode, fonts) found in node_modules — and answers
 * /healthz, /demo, a LAG page and a poster. Also: without demo mode there is no /demo.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/app.js';
import { ROOT, startBotProcess, type BotProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/app.js';

const run = promisify(execFile);
// Inside the repository, so the compiled files resolve node_modules and "type": "module" as dist/ does.
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const out = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'build-test-'));
const dataDir = tempDir('lag-dist-demo-');
let proc: BotProcess | undefined;

afterAll(async () => {
  await proc?.stop();
  rmSync(out, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('compiled build', () => {
  it('node <build>/bot/main.js --demo serves /healthz and the demo page', { timeout: 900_000 }, async () => {
    // The same compiler settings as `npm run build`; types are checked by `npm run typecheck`, not again here.
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck', '--outDir', out], { cwd: ROOT, timeout: 600_000 })
      .catch((err: { stdout?: string; message: string }) => {
        throw new Error(`${err.message}\n${err.stdout ?? ''}`);
      });
    await run(process.execPath, ['--import', 'tsx', 'scripts/build-assets.ts', out], { cwd: ROOT, timeout: 30_000 });
    await run(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts', out], { cwd: ROOT, timeout: 120_000 });
    proc = startBotProcess({ DOTENV_CONFIG_PATH: '/nonexistent', PORT: '0', HOST: '127.0.0.1', DEMO_DATA_DIR: dataDir, DEMO_LISTINGS: '30', LOG_LEVEL: 'warn' }, join(out, 'bot', 'main.js'), 20_000, [], ['--demo']);
    const [, url] = await proc.ready(/Demo ready: open (http:\/\/localhost:\d+)\/demo/, 120_000);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const page = await fetch(`${url}/demo`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const js = await fetch(`${url}/demo/assets/chat.js`);
    expect(js.status).toBe(200);
    const session = await (await fetch(`${url}/demo/api/session`)).json() as { strings: Record<string, Record<string, string>> };
    expect(session.strings.lv.send).toBe('Sūtīt');
    const lagPage = await fetch(`${url}/`);
    expect(lagPage.status).toBe(200);
    const lagId = (await lagPage.text()).match(/href="\/lag\/([a-z0-9-]+)/)?.[1];
    expect(lagId).toBeTruthy();
    const poster = await fetch(`${url}/poster/lag/${lagId}.pdf?lang=ro`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toContain('application/pdf');
    expect(Buffer.from(await poster.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('npm start without a token says it starts a demo and how to get a token, then serves the demo', { timeout: 120_000 }, async () => {
    const dir = tempDir('lag-start-demo-');
    const start = startBotProcess({ DOTENV_CONFIG_PATH: '/nonexistent', PORT: '0', HOST: '127.0.0.1', DEMO_DATA_DIR: dir, DEMO_LISTINGS: '20', LOG_LEVEL: 'warn' }, 'bot/main.ts', 20_000, [], ['--demo-without-token']);
    try {
      const [, url] = await start.ready(/Demo ready: open (http:\/\/localhost:\d+)\/demo/, 90_000);
      expect(start.output()).toMatch(/No TELEGRAM_BOT_TOKEN set, so this starts a DEMO\. For real use, create a bot with @BotFather/);
      expect((await fetch(`${url}/demo`)).status).toBe(200);
    } finally {
      await start.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without demo mode there is no /demo and no emulator route', async () => {
    const t = await startTestApp();
    try {
      for (const path of ['/demo', '/demo/api/session', '/demo/assets/chat.js', '/demo/file/x']) {
        expect((await fetch(`${t.app.url}${path}`)).status, path).toBe(404);
      }
      expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
