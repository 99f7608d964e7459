/**
 * The baseline for `npm run bench:start`: a bare grammY bot (answers /start) with a bare /healthz, started the
 * same way as the real one, so the benchmark shows what the runtime alone costs on this machine.
 */
import { createServer } from 'node:http';
import { Bot } from 'grammy';

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: process.env.TELEGRAM_API_ROOT } });
bot.command('start', (ctx) => ctx.reply(`Hello, ${ctx.from?.first_name ?? ''}`));
createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
void bot.start();
process.once('SIGTERM', () => void bot.stop().then(() => process.exit(0)));
