/** A sample business and products for catalog tests (fixed ids, so feeds are byte-for-byte stable). */
import type { Listing } from '../../models/listing.js';
import type { Product } from '../../models/product.js';

export const PUBLIC_URL = 'https://lag.example.md';

export const links = {
  productLink: (l: Pick<Listing, 'slug'>, id: string) => `${PUBLIC_URL}/b/${l.slug}#p-${id}`,
  imageLink: (blobId: string) => `${PUBLIC_URL}/media/${blobId}`,
};

export const listing: Listing = {
  _id: 'lst-albina', slug: 'prisaca-albina', ownerId: 'u1', status: 'published', name: 'Prisaca „Albina”', sectors: ['A'],
  activity: 'apicultură', country: 'MD', districtId: 'md-soroca', lagId: 'md-nord', locality: 'Vădeni',
  description: 'Miere din Vădeni.', keywords: ['miere'], phone: '+37369123456', languages: ['ro', 'ru'],
  createdAt: new Date('2026-01-01T00:00:00Z'), updatedAt: new Date('2026-01-01T00:00:00Z'),
};

const base = {
  listingId: listing._id, ownerId: 'u1', status: 'active' as const, availability: 'in stock' as const, condition: 'new' as const,
  createdAt: new Date('2026-01-02T00:00:00Z'), updatedAt: new Date('2026-01-02T00:00:00Z'),
};

export const photo = (blobId: string, width = 800, height = 800) => ({ blobId, width, height });

export const products: Product[] = [
  {
    ...base, _id: 'p-honey-1', title: 'Miere de salcâm, 500 g', currency: 'EUR', priceMinor: 1250, mdlMinor: 25000,
    description: 'Miere „de casă”, cu gust delicat.\nRecoltată în mai; ambalată în borcan de sticlă, 500 g.',
    photos: [photo('img-honey-a'), photo('img-honey-b', 1200, 900)],
    salePriceMinor: 990, googleCategory: 'Food, Beverages & Tobacco > Food Items > Condiments & Sauces > Honey',
  },
  {
    ...base, _id: 'p-wax-2', title: 'Ceară de albine "naturală"', currency: 'EUR', priceMinor: 800, availability: 'available for order', condition: 'new',
    description: 'Bucăți de ceară; ideală pentru lumânări, creme etc.', photos: [photo('img-wax')], brand: 'Ștefan și fiii',
  },
  {
    ...base, _id: 'p-medus-3', title: 'Liepziedu medus — ā č ē ģ ī ķ ļ ņ š ū ž; мёд липовый й', currency: 'USD', priceMinor: 1500,
    availability: 'out of stock', condition: 'used', description: 'Medus no Zemgales. Мёд с пасеки.', photos: [photo('img-medus', 500, 500)],
  },
];
