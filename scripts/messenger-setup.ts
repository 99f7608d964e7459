/**
 * `npm run messenger:setup`: sets the Page's Messenger Profile — Get Started button, a greeting per locale
 * (with `default`) and a persistent menu per locale (Search, Browse, Language, My data). Reads MESSENGER_PAGE_ACCESS_TOKEN,
 * MESSENGER_GRAPH_URL, MESSENGER_GRAPH_VERSION and DEFAULT_LOCALE from the environment (.env).
 */
import 'dotenv/config';
import pino from 'pino';
import { z } from 'zod';
import { configSchema } from '../bot/config.js';
import { profilePayload } from '../bot/messenger/profile.js';
import { SendApi } from '../bot/messenger/send-api.js';

// The bot's own rules for these variables; only the page token becomes required here.
const env = configSchema.pick({ MESSENGER_GRAPH_URL: true, MESSENGER_GRAPH_VERSION: true, DEFAULT_LOCALE: true }).extend({
  MESSENGER_PAGE_ACCESS_TOKEN: z.string({ error: 'is required: the Page access token from the Meta app (Messenger → Settings)' }).min(10),
}).safeParse(process.env);

if (!env.success) {
  console.error(`Configuration is not valid:\n${env.error.issues.map((i) => `  - ${i.path.join('.')} ${i.message}`).join('\n')}`);
  process.exit(1);
}

const log = pino({ level: 'warn' });
const api = new SendApi({
  graphUrl: env.data.MESSENGER_GRAPH_URL,
  graphVersion: env.data.MESSENGER_GRAPH_VERSION,
  pageAccessToken: env.data.MESSENGER_PAGE_ACCESS_TOKEN,
  log,
});
const body = profilePayload(env.data.DEFAULT_LOCALE);
const outcome = await api.setProfile(body);
if (!outcome.ok) {
  console.error(`Messenger Profile API refused the update: ${outcome.kind} (${outcome.code ?? '-'}/${outcome.subcode ?? '-'}) ${outcome.message}`);
  process.exit(1);
}
const b = body as { greeting: { locale: string }[]; persistent_menu: { locale: string }[] };
console.log(`Messenger profile set: get_started, greeting (${b.greeting.map((g) => g.locale).join(', ')}), persistent menu (${b.persistent_menu.map((m) => m.locale).join(', ')}).`);
