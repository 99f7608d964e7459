/** Published listings inserted straight into a store (the search index is the subject, not moderation). */
import pino from 'pino';
import type { Listing } from '../../models/listing.js';
import { createServices, type Services } from '../../services/app.js';
import { ManualClock } from '../../services/clock.js';
import { openStore } from '../../services/store/index.js';
import { tempDir } from '../helpers/app.js';

export const NOW = new Date('2026-11-01T10:00:00Z');

let n = 0;
export function listing(p: Partial<Listing> & Pick<Listing, 'name'>): Omit<Listing, '_id'> & { _id?: string } {
  n++;
  return {
    slug: `biz-${n}-${Math.random().toString(36).slice(2, 8)}`,
    status: 'published',
    sectors: ['A'],
    activity: '',
    country: 'MD',
    districtId: 'md-soroca',
    lagId: 'md-nord',
    locality: '',
    description: '',
    keywords: [],
    phone: '+37360000000',
    languages: [],
    createdAt: NOW,
    updatedAt: NOW,
    publishedAt: NOW,
    ...p,
  };
}

export async function searchServices(): Promise<{ services: Services; clock: ManualClock; close(): Promise<void> }> {
  const store = await openStore({ dataDir: tempDir('lag-search-'), inMemory: true });
  const clock = new ManualClock(NOW);
  const services = createServices({
    settings: { publicUrl: 'http://lag.test', defaultLocale: 'ro', bootstrapAdmins: [] },
    store,
    log: pino({ level: 'silent' }),
    clock,
  });
  return { services, clock, close: () => store.close() };
}
