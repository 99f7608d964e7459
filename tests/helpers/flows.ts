/** Reusable user journeys for end-to-end tests. */
import type { FakeUser, SentMessage } from './fake-telegram.js';

/** Walks every step with valid answers; returns after the summary card appears. */
export async function registerRomanian(u: FakeUser, name = 'Prisaca „Albina” SRL'): Promise<void> {
  await u.say('/register', 'Cum se numește afacerea?');
  await u.say(name, 'Alegeți domeniile');
  u.press('sec:A');
  u.press('sec:C');
  await u.tap('sec:!done', 'Descrieți activitatea');
  await u.say('prisacă, miere și ceară', 'Unde se află afacerea');
  await u.tap('dst:md-soroca', 'În ce localitate');
  await u.say('Vădeni', 'Descrieți afacerea');
  await u.say('Miere de salcâm și polifloră din satul Vădeni, raionul Soroca.', 'Scrieți produsele');
  await u.say('miere, ceară, polen', 'Numărul de telefon');
  await u.say('069123456', 'Adresa de e-mail');
  await u.say('albina@example.md', 'Site-ul web');
  await u.tap('step:skip', 'Pagina de Facebook');
  await u.say('facebook.com/albina.soroca', 'Adresa (stradă');
  await u.say('str. Independenței 12', 'Programul de lucru');
  await u.say('Lu-Vi 9-18, Sâ 10-14', 'Telegram');
  await u.say('@prisaca_albina', 'Viber');
  await u.say('069123456', 'WhatsApp');
  await u.tap('step:skip', 'în altă limbă');
  await u.tap('dsc:ru', 'Scrieți descrierea în limba rusă');
  await u.say('Акациевый и цветочный мёд из села Вэдень, район Сорока.', 'încă o limbă');
  await u.tap('dsc:!done', 'În ce limbi');
  await u.tap('spk:!done', 'Trimiteți logoul');
}

/** Skips the optional page questions (address, hours, messengers, other languages) up to `next`. */
export async function skipProfileSteps(u: Pick<FakeUser, 'tap'>, next: string | RegExp): Promise<SentMessage> {
  await u.tap('step:skip', 'Programul de lucru');
  await u.tap('step:skip', 'Telegram');
  await u.tap('step:skip', 'Viber');
  await u.tap('step:skip', 'WhatsApp');
  await u.tap('step:skip', 'în altă limbă');
  return u.tap('dsc:!done', next);
}
