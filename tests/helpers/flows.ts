/** Reusable user journeys for end-to-end tests. */
import type { FakeUser } from './fake-telegram.js';

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
  await u.say('facebook.com/albina.soroca', 'În ce limbi');
  await u.tap('spk:!done', 'Trimiteți logoul');
}
