/**
 * The home screen for /start and /help: what THIS person can do now, as buttons — a customer searches and
 * browses; an owner sees their business with its status and the counts of products, offers and matches;
 * staff see the queue. Every button starts an existing command (services/actions.ts, kind "menu").
 */
import { act, type MenuTarget } from '../actions.js';
import type { HomeFacts } from '../home.js';
import { raw, text, type Button, type OutMessage, type Text } from '../messages.js';

const menu = (label: Text, to: MenuTarget): Button => ({ label, action: act('menu', { to }) });

export function homeScreen(facts: HomeFacts, firstName: string): OutMessage {
  const paragraphs: Text[] = [text('home:hello', { name: firstName })];
  const rows: Button[][] = [];

  if (facts.business) {
    paragraphs.push(text('home:owner.business', { name: facts.business.name, status: text(`directory:status.${facts.business.status}`) }));
    paragraphs.push(text('home:owner.counts', {
      products: text('home:count.products', { count: facts.products }),
      offers: text('home:count.offers', { count: facts.offers }),
      matches: text('home:count.new_matches', { count: facts.newMatches }),
    }));
    rows.push([menu(text('home:button.mybusiness'), 'mybusiness'), menu(text('home:button.shop', { count: facts.products }), 'shop')]);
    rows.push([menu(text('home:button.offers', { count: facts.offers }), 'offers'), menu(text('home:button.matches', { count: facts.newMatches }), 'matches')]);
    rows.push([menu(text('home:button.offer'), 'offer'), menu(text('offers:button.browse'), 'offers_browse')]);
    rows.push([menu(text('home:button.notifications', { cadence: text(`offers:cadence.${facts.cadence}`) }), 'notifications')]);
  } else {
    paragraphs.push(text('home:customer.intro'));
  }

  if (facts.role === 'staff') {
    paragraphs.push(text('home:staff.pending', { count: facts.pending }));
    rows.push([menu(text('home:button.pending', { count: facts.pending }), 'pending'), menu(text('home:button.broadcast'), 'broadcast')]);
    rows.push([menu(text('home:button.stats'), 'stats'), menu(text('home:button.export'), 'export'), menu(text('home:button.import'), 'import')]);
  }

  rows.push([menu(text('home:button.search'), 'search'), menu(text('home:button.browse'), 'browse')]);
  if (!facts.business) {
    if (facts.draft) {
      paragraphs.push(text('home:draft', { step: facts.draft.step, steps: facts.draft.steps }));
      rows.push([menu(text('home:button.continue_registration', { step: facts.draft.step, steps: facts.draft.steps }), 'register')]);
    } else {
      rows.push([menu(text('home:button.register'), 'register')]);
    }
  }
  rows.push([menu(text('home:button.language'), 'language'), menu(text('home:button.help'), 'help')]);
  return { text: paragraphs.filter((p) => !('raw' in p) || p.raw), buttons: rows };
}

/** /help: every command this person may use, one per line with what it does. */
export function helpScreen(commands: { command: string; description: string }[]): OutMessage {
  return { text: [text('home:help_title'), raw(commands.map((c) => `/${c.command} — ${c.description}`).join('\n'))] };
}
