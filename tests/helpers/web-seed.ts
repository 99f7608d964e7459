/**
 * A small published directory for web tests: honey producers (named in Romanian and Russian), a vineyard,
 * an orchard selling "mere" (one letter from "miere"), a guesthouse, fillers for paging, and a Latvian apiary.
 * The first business has everything the page can show: products with photos, lei and a sale, hours,
 * address, messengers and a Russian description.
 */
import type { Listing } from '../../models/listing.js';
import type { Services } from '../../services/app.js';
import { parseOpeningHours } from '../../services/opening-hours.js';
import { jpeg } from '../catalog/images.js';

export interface Seeded {
  shop: Listing;
  honey: Listing[];
  orchard: Listing;
  latvian: Listing;
}

type Extra = Partial<Listing> & Pick<Listing, 'name' | 'districtId' | 'activity' | 'keywords'>;

async function publish(s: Services, ownerExt: string, x: Extra): Promise<Listing> {
  const owner = await s.users.touch({ channel: 'telegram', externalId: ownerExt, chatId: ownerExt, firstName: 'Owner' });
  const lv = x.districtId.startsWith('lv-');
  const now = s.clock.now();
  const listing = await s.directory.insertWithSlug({
    ownerId: owner._id, status: 'published', sectors: ['A'], country: lv ? 'LV' : 'MD', lagId: lv ? 'lv-lielupe' : 'md-nord',
    locality: '', description: `${x.activity}.`, phone: lv ? '+37120123456' : '+37369123456', languages: lv ? ['lv'] : ['ro', 'ru'],
    createdAt: now, updatedAt: now, publishedAt: now, submittedAt: now, ...x,
  });
  await s.search.reindex(listing);
  return listing;
}

export async function seedDirectory(s: Services): Promise<Seeded> {
  await s.search.init();
  const hours = parseOpeningHours('Lu-Vi 9-18, Sâ 10-14');
  if (!hours.ok) throw new Error('hours');
  const logo = await s.store.blobs.put(await jpeg(300, 300, '#e0a526', 'S'), 'image/jpeg');
  const shop = await publish(s, '7001', {
    name: 'Stupina „Albinuța” <SRL>', districtId: 'md-soroca', locality: 'Vădeni', activity: 'miere de albine, ceară și polen',
    keywords: ['miere', 'ceară', 'polen', 'propolis'], address: 'str. Independenței 12', openingHours: hours.value,
    description: 'Familia noastră ține 120 de stupi lângă Nistru. Miere de salcâm, tei și polifloră, culeasă și ambalată la stupină.',
    descriptions: { ru: 'Наша семья держит 120 ульев у Днестра. Акациевый, липовый и цветочный мёд.' },
    email: 'albinuta@example.md', website: 'https://albinuta.example.md', telegram: 'albinuta_md', viber: '+37369123456', whatsapp: '+37369123456',
    logoId: logo, sectors: ['A', 'C'],
  });
  const owner = (await s.users.byId(shop.ownerId!))!;
  const colors = ['#f2b632', '#c98d1a', '#e8d9a0', '#8a5a12'];
  const items = [
    { title: 'Miere de salcâm, 1 kg', priceMinor: 1000, mdlMinor: 20000, salePriceMinor: 850 },
    { title: 'Miere de tei, 500 g', priceMinor: 600, mdlMinor: 12000 },
    { title: 'Ceară de albine', priceMinor: 800, mdlMinor: 16000, availability: 'available for order' as const },
    { title: 'Polen, 250 g', priceMinor: 500, mdlMinor: 10000, availability: 'out of stock' as const },
  ];
  for (const [i, p] of items.entries()) {
    const blobId = await s.store.blobs.put(await jpeg(600, 600, colors[i], p.title.split(' ')[0]), 'image/jpeg');
    await s.catalog.add(owner, shop, {
      currency: 'EUR', availability: 'in stock', condition: 'new', description: `${p.title} de la stupina noastră.`, photos: [{ blobId, width: 600, height: 600 }], ...p,
    });
  }
  const honey = [shop,
    await publish(s, '7002', { name: 'Prisaca Nordului', districtId: 'md-balti', activity: 'miere polifloră', keywords: ['miere', 'faguri'] }),
    await publish(s, '7003', { name: 'Пасека Дрокия', districtId: 'md-drochia', activity: 'мёд и воск', keywords: ['мёд', 'воск'], languages: ['ru'] }),
  ];
  const orchard = await publish(s, '7004', { name: 'Livada Edineț', districtId: 'md-edinet', activity: 'mere și pere', keywords: ['mere', 'pere', 'suc'] });
  await publish(s, '7005', { name: 'Crama Drochia', districtId: 'md-drochia', activity: 'vin de casă', keywords: ['vin', 'struguri'], sectors: ['C'] });
  await publish(s, '7006', { name: 'Pensiunea Nistru', districtId: 'md-soroca', activity: 'cazare și turism rural', keywords: ['cazare', 'turism'], sectors: ['I'] });
  for (let i = 0; i < 22; i++) {
    await publish(s, `71${String(i).padStart(2, '0')}`, { name: `Atelierul nr. ${i + 1}`, districtId: i % 2 ? 'md-floresti' : 'md-glodeni', activity: 'croitorie și reparații', keywords: ['croitorie'], sectors: ['S'] });
  }
  const latvian = await publish(s, '7201', { name: 'Biškopība „Zemgale”', districtId: 'lv-jelgavas-novads', activity: 'medus un vasks', keywords: ['medus', 'vasks'] });
  return { shop, honey, orchard, latvian };
}
