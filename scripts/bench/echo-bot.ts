/** The baseline for bench:throughput: a bare grammY echo bot (runner, no storage), same fake Bot API. */
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: process.env.TELEGRAM_API_ROOT } });
bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
// Without this an unhandled error (e.g. a reset connection) would stop the runner.
bot.catch((err) => console.error('echo failed:', String(err.error)));
await bot.init();
run(bot);
console.log('"msg":"telegram long polling"');
