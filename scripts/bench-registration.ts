/**
 * Registration benchmark: walks a full /register (every question answered, the logo sent, confirmed) as one
 * user against the local fake Bot API and the real bot, and prints the milliseconds from each answer to the
 * bot's next question, step by step, and the total. Prints figures only; nothing is asserted.
 *
 *   npx tsx scripts/bench-registration.ts          # one walk
 *   npx tsx scripts/bench-registration.ts 3        # three walks (different users), figures of each
 */
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { startTestApp } from '../tests/helpers/app.js';
import type { FakeTelegram, FakeUser } from '../tests/helpers/fake-telegram.js';

type Step = [label: string, act: (u: FakeUser, tg: FakeTelegram) => Promise<unknown>];

const STEPS: Step[] = [
  ['/register → name', (u) => u.say('/register', 'Cum se numește afacerea?')],
  ['name → sectors', (u) => u.say('Prisaca „Albina” SRL', 'Alegeți domeniile')],
  ['tick A', async (u, tg) => {
    const edits = tg.callsOf('editMessageReplyMarkup').length;
    u.press('sec:A');
    await tg.waitUntil(() => tg.callsOf('editMessageReplyMarkup').length > edits, 15_000, 'the ticked keyboard');
  }],
  ['sectors → activity', (u) => u.tap('sec:!done', 'Descrieți activitatea')],
  ['activity → district', (u) => u.say('prisacă, miere și ceară', 'Unde se află afacerea')],
  ['district → locality', (u) => u.tap('dst:md-soroca', 'În ce localitate')],
  ['locality → description', (u) => u.say('Vădeni', 'Descrieți afacerea')],
  ['description → keywords', (u) => u.say('Miere de salcâm și polifloră din satul Vădeni, raionul Soroca.', 'Scrieți produsele')],
  ['keywords → phone', (u) => u.say('miere, ceară, polen', 'Numărul de telefon')],
  ['phone → email', (u) => u.say('069123456', 'Adresa de e-mail')],
  ['email → website', (u) => u.say('albina@example.md', 'Site-ul web')],
  ['website → facebook', (u) => u.tap('step:skip', 'Pagina de Facebook')],
  ['facebook → address', (u) => u.say('facebook.com/albina.soroca', 'Adresa (stradă')],
  ['address → hours', (u) => u.say('str. Independenței 12', 'Programul de lucru')],
  ['hours → telegram', (u) => u.say('Lu-Vi 9-18, Sâ 10-14', 'Telegram')],
  ['telegram → viber', (u) => u.say('@prisaca_albina', 'Viber')],
  ['viber → whatsapp', (u) => u.say('069123456', 'WhatsApp')],
  ['whatsapp → descriptions', (u) => u.tap('step:skip', 'în altă limbă')],
  ['descriptions → languages', (u) => u.tap('dsc:!done', 'În ce limbi')],
  ['languages → logo', (u) => u.tap('spk:!done', 'Trimiteți logoul')],
];

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 1);
  const t = await startTestApp();
  const logo = await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 200, g: 150, b: 20 } } }).png().toBuffer();
  try {
    for (let run = 0; run < runs; run++) {
      const u = t.tg.user(5000 + run, { language_code: 'ro', first_name: 'Ion' });
      await u.say('/start', 'Ion');
      const rows: [string, number][] = [];
      const time = async (label: string, f: () => Promise<unknown>) => {
        const t0 = performance.now();
        await f();
        rows.push([label, performance.now() - t0]);
      };
      for (const [label, f] of STEPS) await time(label, () => f(u, t.tg));
      await time('logo → summary', async () => {
        const since = u.messages().length;
        u.sendPhoto(logo, { width: 300, height: 300 });
        await u.expect('Verificați datele', { since });
      });
      await time('confirm → submitted', () => u.tap('reg:confirm', 'a fost trimisă'));
      const total = rows.reduce((s, [, ms]) => s + ms, 0);
      console.log(`\nrun ${run + 1}: ${rows.length} actions`);
      rows.forEach(([label, ms], i) => console.log(`${String(i + 1).padStart(3)}  ${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms`));
      console.log(`total ${total.toFixed(0)} ms, mean ${(total / rows.length).toFixed(0)} ms per action`);
    }
  } finally {
    await t.close();
  }
}

await main();
