/** Shared pieces of the intake/throughput benchmarks: the fake, the bot process, timing helpers. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { translator } from '../../services/i18n.js';
import { tempDir, testEnv } from '../../tests/helpers/app.js';
import type { FakeTelegram } from '../../tests/helpers/fake-telegram.js';
import { ROOT, startBotProcess, type BotProcess } from '../../tests/helpers/process.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const ro = translator('ro');
const GREETING = ro('home:hello', { name: '\u0000' }).split('\u0000')[0];
const ERROR = ro('common:error');
/** The welcome /start answers with, in Romanian (the default locale), taken from the locale files. */
export const isWelcome = (text: string | undefined) => !!text && text.startsWith(GREETING);
export const isError = (text: string | undefined) => text === ERROR;

export function botEnv(tg: FakeTelegram, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...testEnv(tg, dataDir, { LOG_LEVEL: 'warn', TELEGRAM_CHAT_INTERVAL_MS: '1000', ...extra }), DOTENV_CONFIG_PATH: '/nonexistent' };
}

/**
 * The bot as production runs it: the build (dist/bot/main.js, `npm run build`) when there is one, else the
 * sources through tsx (BENCH_TSX=1 forces the sources). Said once, so a stale build is noticed.
 */
export function botEntry(): string {
  const built = join(ROOT, 'dist', 'bot', 'main.js');
  const entry = existsSync(built) && process.env.BENCH_TSX !== '1' ? built : 'bot/main.ts';
  if (!announced) {
    announced = true;
    console.log(entry === built ? `bot: the build in dist/ (npm run build at ${statSync(built).mtime.toISOString()})` : 'bot: the sources via tsx (no dist/: run npm run build to measure the build)');
  }
  return entry;
}
let announced = false;

/** Starts the bot (botEntry(), or another entry) and waits until it polls. */
export async function startBot(env: Record<string, string>, opts: { entry?: string; probe?: boolean } = {}): Promise<BotProcess> {
  // BENCH_NODE_ARGS: extra node flags for the bot process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const run = startBotProcess({ ...env, LOG_LEVEL: 'info' }, opts.entry ?? botEntry(), 200_000, [...extra, ...(opts.probe ? ['--import', './scripts/bench/loop-probe.mjs'] : [])]);
  await run.ready(undefined, 120_000);
  return run;
}

export { tempDir };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
