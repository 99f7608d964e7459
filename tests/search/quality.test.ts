/** Search quality over a small directory: what a customer types → which businesses, in which order. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ListingModel, type Listing } from '../../models/listing.js';
import type { Services } from '../../services/app.js';
import { listing, NOW, searchServices } from './fixtures.js';

let services: Services;
let close: () => Promise<void>;
const ids: Record<string, string> = {};

async function names(text: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const r = await services.search.search({ text, pageSize: 50, ...extra });
  return r.listings.map((l) => l.name);
}

beforeAll(async () => {
  ({ services, close } = await searchServices());
  const col = services.store.collection(ListingModel);
  const seed: Record<string, Parameters<typeof listing>[0]> = {
    stupina: { name: 'Stupina Nordului', keywords: ['miere', 'ceară'], description: 'Miere de albine naturală, polifloră și de salcâm, din Soroca.', districtId: 'md-soroca', email: 'a@b.md', logoId: 'logo1' },
    livada: { name: 'Livada Verde', keywords: ['mere', 'suc de mere'], description: 'Mere de vară și de iarnă, suc natural presat la rece.', districtId: 'md-balti', sectors: ['A', 'C'] },
    paseka: { name: 'Пасека Иванова', keywords: ['мёд', 'пыльца'], description: 'Натуральный мёд с собственной пасеки.', districtId: 'md-balti' },
    biskopiba: { name: 'Biškopība Zemgale', keywords: ['medus', 'vasks'], description: 'Ziedu medus no Jelgavas novada.', country: 'LV', districtId: 'lv-jelgavas-novads', lagId: 'lv-lielupe' },
    pensiune: { name: 'Pensiunea La Nistru', keywords: ['cazare', 'turism rural'], sectors: ['I'], districtId: 'md-drochia', activity: 'Turism rural' },
    croitorie: { name: 'Atelier Elegant', keywords: ['croitorie'], description: 'Croitorie și reparații de haine la comandă.', sectors: ['S'], districtId: 'md-edinet' },
    ferma: { name: 'Ferma Bunicii', description: 'Vindem lapte, brânză de vaci și puțină miere de casă.', districtId: 'md-soroca', keywords: ['lapte'] },
    vinPlain: { name: 'Crama Dealul Mare', keywords: ['vin'], districtId: 'md-floresti', publishedAt: new Date('2024-01-01'), createdAt: new Date('2024-01-01') },
    vinFull: { name: 'Crama Valea Mare', keywords: ['vin'], districtId: 'md-floresti', description: 'Vinuri de casă roșii și albe, degustări la cramă pentru grupuri.', website: 'https://crama.md', email: 'c@crama.md', logoId: 'logo2', locality: 'Cuhurești', activity: 'Vinificație' },
    pending: { name: 'Miere Nepublicată', keywords: ['miere'], status: 'pending' },
  };
  for (const [k, v] of Object.entries(seed)) ids[k] = (await col.insert(listing(v)))._id;
  for (let i = 1; i <= 25; i++) await col.insert(listing({ name: `Legume proaspete ${i}`, keywords: ['legume'], districtId: 'md-edinet', publishedAt: new Date(NOW.getTime() - i * 86_400_000) }));
  await services.search.init();
});
afterAll(async () => close?.());

describe('search quality', () => {
  it('builds the index from the store at start, published listings only', () => {
    expect(services.search.engine.size).toBe(34);
    expect(services.search.engine.has(ids.pending)).toBe(false);
  });

  it('ignores case and diacritics (Bălți = balti = BALTI)', async () => {
    const a = await names('Bălți');
    expect(a.sort()).toEqual(['Livada Verde', 'Пасека Иванова'].sort());
    expect((await names('balti')).sort()).toEqual(a);
    expect((await names('BALTI')).sort()).toEqual(a);
    expect(await names('croitorie si reparatii')).toEqual(['Atelier Elegant']);
  });

  it('transliterates Cyrillic ↔ Latin (Бельцы finds Bălți; мёд = мед; paseka finds Пасека)', async () => {
    expect((await names('Бельцы')).sort()).toEqual(['Livada Verde', 'Пасека Иванова'].sort());
    expect(await names('мёд')).toEqual(await names('мед'));
    expect((await names('paseka'))[0]).toBe('Пасека Иванова'); // then other apiaries, via synonyms
    expect(await names('Сороки')).toEqual(expect.arrayContaining(['Stupina Nordului', 'Ferma Bunicii']));
  });

  it('matches prefixes', async () => {
    expect(await names('pensi')).toEqual(['Pensiunea La Nistru']);
    expect(await names('stup')).toEqual(['Stupina Nordului']);
  });

  it('tolerates typos: 1 edit from 5 letters, 2 from 9, none below', async () => {
    expect(await names('sorocca')).toEqual(expect.arrayContaining(['Stupina Nordului', 'Ferma Bunicii']));
    expect(await names('pensiunia')).toEqual(['Pensiunea La Nistru']);
    expect(await names('croitorei')).toEqual(['Atelier Elegant']); // 2 edits in a 9-letter word
    expect(await names('croiotrei')).toEqual([]); // 4 edits: too far
    expect(await names('vim')).toEqual([]); // 3 letters must match exactly
  });

  it('widens with cross-language synonyms (miere / мёд / medus / honey)', async () => {
    const honey = ['Stupina Nordului', 'Ferma Bunicii', 'Пасека Иванова', 'Biškopība Zemgale'];
    for (const q of ['miere', 'мёд', 'medus', 'honey']) expect((await names(q)).sort()).toEqual([...honey].sort());
    expect(await names('accommodation')).toEqual(['Pensiunea La Nistru']);
    expect(await names('пасека')).toEqual(expect.arrayContaining(['Stupina Nordului', 'Пасека Иванова'])); // apiary = stupină
  });

  it('does not fuzz a word the index knows: "miere" never finds apples ("mere")', async () => {
    expect(await names('miere')).not.toContain('Livada Verde');
    expect(await names('mere')).toContain('Livada Verde');
  });

  it('combines words with AND ("miere Soroca"), ignoring stop words', async () => {
    expect((await names('miere Soroca')).sort()).toEqual(['Ferma Bunicii', 'Stupina Nordului']);
    expect((await names('miere de la Soroca')).sort()).toEqual(['Ferma Bunicii', 'Stupina Nordului']);
    expect(await names('мёд Бельцы')).toEqual(['Пасека Иванова']);
  });

  it('filters by country, district and sector', async () => {
    expect(await names('miere', { country: 'LV' })).toEqual(['Biškopība Zemgale']);
    expect((await names('miere', { districtId: 'md-soroca' })).sort()).toEqual(['Ferma Bunicii', 'Stupina Nordului']);
    expect(await names('suc', { sector: 'C' })).toEqual(['Livada Verde']);
    expect(await names('suc', { sector: 'I' })).toEqual([]);
    // Browse: a filter without text lists everything filed there.
    expect((await names('', { districtId: 'md-drochia' }))).toEqual(['Pensiunea La Nistru']);
  });

  it('ranks name > keywords > description, then completeness and recency', async () => {
    const honey = await names('miere');
    expect(honey.indexOf('Stupina Nordului')).toBeLessThan(honey.indexOf('Ferma Bunicii'));
    expect((await names('Stupina'))[0]).toBe('Stupina Nordului');
    // Same text relevance: the complete, recent card first.
    expect((await names('vin')).slice(0, 2)).toEqual(['Crama Valea Mare', 'Crama Dealul Mare']);
    // Name hit outranks a keyword hit.
    const col = services.store.collection(ListingModel);
    const named = await col.insert(listing({ name: 'Lapte Proaspăt', districtId: 'md-glodeni' }));
    services.events.emit('listing.changed', named);
    await vi.waitFor(() => expect(services.search.engine.has(named._id)).toBe(true));
    expect((await names('lapte'))[0]).toBe('Lapte Proaspăt');
  });

  it('pages through results without overlap', async () => {
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const r = await services.search.search({ text: 'legume', page, pageSize: 10 });
      expect(r.total).toBe(25);
      expect(r.more).toBe(page < 2);
      seen.push(...r.listings.map((l) => l._id));
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    // Newest first when relevance is equal.
    const first = await services.search.search({ text: 'legume', pageSize: 3 });
    expect(first.listings.map((l) => l.name)).toEqual(['Legume proaspete 1', 'Legume proaspete 2', 'Legume proaspete 3']);
  });

  it('loads only the page from the store, by id', async () => {
    const col = (services.search as unknown as { listings: { find: (...a: unknown[]) => Promise<Listing[]> } }).listings;
    const spy = vi.spyOn(col, 'find');
    await services.search.search({ text: 'legume', pageSize: 5 });
    expect(spy).toHaveBeenCalledTimes(1);
    const filter = spy.mock.calls[0][0] as { _id: { $in: string[] } };
    expect(filter._id.$in).toHaveLength(5);
    spy.mockRestore();
  });

  it('suggests a corrected spelling and dropping a filter when nothing matches', async () => {
    const typo = await services.search.search({ text: 'albnie' }); // 2 edits in a 6-letter word: beyond the search
    expect(typo.total).toBe(0);
    expect(typo.suggestions).toContainEqual({ kind: 'spelling', text: 'albine', total: 1 });
    const two = await services.search.search({ text: 'mieer soorca' });
    expect(two.suggestions).toContainEqual({ kind: 'spelling', text: 'miere soroca', total: 2 });
    const filtered = await services.search.search({ text: 'pensiune', districtId: 'md-soroca' });
    expect(filtered.total).toBe(0);
    expect(filtered.suggestions).toContainEqual({ kind: 'drop_filter', filter: 'districtId', total: 1 });
  });

  it('keeps the index in step: changed, unpublished, deleted, products changed', async () => {
    const col = services.store.collection(ListingModel);
    const l = await col.insert(listing({ name: 'Cuptorul Satului', keywords: ['pâine'], districtId: 'md-ocnita' }));
    services.events.emit('listing.changed', l);
    await vi.waitFor(async () => expect(await names('paine')).toEqual(['Cuptorul Satului']));
    expect(await names('хлеб')).toEqual(['Cuptorul Satului']);
    services.events.emit('listing.changed', { ...l, status: 'pending' });
    await vi.waitFor(async () => expect(await names('paine')).toEqual([]));
    services.events.emit('listing.changed', l);
    await vi.waitFor(async () => expect(await names('paine')).toEqual(['Cuptorul Satului']));
    services.catalogView = { activeProducts: async (x) => (x._id === l._id ? [{ id: 'p1', title: 'Covrigi cu susan', priceText: '10 MDL', link: 'x' }] : []) };
    services.events.emit('listing.products_changed', l._id);
    await vi.waitFor(async () => expect(await names('covrigi')).toEqual(['Cuptorul Satului']));
    services.catalogView = undefined;
    services.events.emit('listing.deleted', l._id);
    expect(await names('paine')).toEqual([]);
  });

  it('applies only the latest event when a slow product lookup is overtaken', async () => {
    const col = services.store.collection(ListingModel);
    const l = await col.insert(listing({ name: 'Moara Veche', keywords: ['făină'], districtId: 'md-riscani' }));
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    services.catalogView = { activeProducts: async () => { await gate; return []; } };
    services.events.emit('listing.changed', l); // published, waiting for products…
    services.events.emit('listing.changed', { ...l, status: 'rejected' }); // …overtaken by a rejection
    release();
    await new Promise((r) => setTimeout(r, 20));
    services.catalogView = undefined;
    expect(services.search.engine.has(l._id)).toBe(false);
    expect(await names('faina')).toEqual([]);
  });

  it('a deletion overtakes a slow reindex, and no per-listing bookkeeping outlives it', async () => {
    const col = services.store.collection(ListingModel);
    const l = await col.insert(listing({ name: 'Oloinița Veche', keywords: ['ulei'], districtId: 'md-riscani' }));
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    services.catalogView = { activeProducts: async () => { await gate; return []; } };
    services.events.emit('listing.changed', l); // published, waiting for products…
    services.events.emit('listing.deleted', l._id); // …and deleted meanwhile
    release();
    await new Promise((r) => setTimeout(r, 20));
    services.catalogView = undefined;
    expect(services.search.engine.has(l._id)).toBe(false);
    expect((services.search as unknown as { versions: Map<string, number> }).versions.size).toBe(0);
  });

  it('treats any text as plain words: empty, huge, emoji, regex, operators', async () => {
    for (const q of ['', '   ', 'a'.repeat(5000), 'miere '.repeat(1000), '🍯🐝😀', '.*(', '{"$where": "1"}', '$ne', '<b>x</b>', '\u0000\uffff']) {
      const r = await services.search.search({ text: q });
      expect(r.total).toBeGreaterThanOrEqual(0);
      expect(r.listings.every((x) => x.status === 'published')).toBe(true);
    }
    expect((await services.search.search({ text: '' })).terms).toEqual([]);
    expect((await services.search.search({ text: '🍯🐝' })).terms).toEqual([]);
    expect((await services.search.search({ text: '.*(' })).total).toBe(0);
    expect((await services.search.search({ text: 'miere '.repeat(1000) })).total).toBe(4);
    expect((await services.search.search({ text: '{"$where": "1"}' })).terms).toEqual(['where', '1']);
    expect((await services.search.search({ text: 'x'.repeat(5000) })).total).toBe(0);
  });

  it('counts businesses per sector and district for browse menus', () => {
    const f = services.search.facets('MD');
    expect(f.districts[0]).toEqual({ districtId: 'md-edinet', count: 26 });
    expect(f.sectors.find((s) => s.sector === 'I')).toEqual({ sector: 'I', count: 1 });
    expect(services.search.facets('LV').districts).toEqual([{ districtId: 'lv-jelgavas-novads', count: 1 }]);
  });
});
