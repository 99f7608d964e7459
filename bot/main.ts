/**
 * Entry point. Reads .env, validates config, starts everything, stops cleanly on signals.
 *   node dist/bot/main.js            production: TELEGRAM_BOT_TOKEN is required
 *   … --demo                         demo mode (npm run demo): the real bot against the built-in Bot API emulator
 *   … --demo-without-token           npm start: demo mode when no token is set, the real bot otherwise
 */
import 'dotenv/config';
import { startApp, type App } from './app.js';
import { ConfigError, loadConfig } from './config.js';

type Running = Pick<App, 'stop'> & { log(msg: string): void };

async function startReal(): Promise<Running> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      console.error('\nSee .env.example and the README for every variable.');
      process.exit(1);
    }
    throw err;
  }
  const app = await startApp(config);
  return { stop: () => app.stop(), log: (msg) => app.services.log.info(msg) };
}

async function startDemoMode(): Promise<Running> {
  console.warn('Starting the demo: the real bot, a built-in Telegram emulator and a generated directory in ./data-demo (wiped at every start)…');
  // Loaded only in demo mode: production never loads the emulator or the demo routes.
  const { startDemo } = await import('./demo/start.js');
  const demo = await startDemo(process.env);
  console.warn(`Demo ready: open ${demo.pageUrl} in your browser. Stop it with Ctrl+C.`);
  return { stop: () => demo.stop(), log: (msg) => demo.app.services.log.info(msg) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const noToken = !process.env.TELEGRAM_BOT_TOKEN;
  let running: Running;
  if (args.includes('--demo')) {
    running = await startDemoMode();
  } else if (args.includes('--demo-without-token') && noToken) {
    console.warn('No TELEGRAM_BOT_TOKEN set, so this starts a DEMO. For real use, create a bot with @BotFather in Telegram (https://t.me/BotFather) and put its token in .env as TELEGRAM_BOT_TOKEN (see .env.example).');
    running = await startDemoMode();
  } else {
    running = await startReal();
  }
  const shutdown = async (signal: string) => {
    running.log(`shutting down (${signal})`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('Fatal:', err instanceof Error ? err.message : err);
  process.exit(1);
});
