/**
 * Countries, LAGs and districts from the territory data file. Adding a LAG or a district is a data change:
 * edit services/reference/territories.json (names in all four languages), no code.
 */
import data from './reference/territories.json' with { type: 'json' };
import type { Country } from '../models/listing.js';
import type { Locale } from '../models/user.js';

export type Names = Record<Locale, string>;
export interface CountryInfo { code: Country; timezone: string; phoneRegion: string; currency: string; names: Names }
export interface Lag { id: string; country: Country; names: Names }
export interface District { id: string; country: Country; lag: string; kind: 'district' | 'municipality'; names: Names }

export const countries = data.countries as CountryInfo[];
export const lags = data.lags as Lag[];
export const districts = data.districts as District[];

const byId = new Map(districts.map((d) => [d.id, d]));

export function district(id: string): District | undefined {
  return byId.get(id);
}

export function districtsOf(country: Country): District[] {
  return districts.filter((d) => d.country === country);
}

export function districtsOfLag(lagId: string): District[] {
  return districts.filter((d) => d.lag === lagId);
}

export function lag(id: string): Lag | undefined {
  return lags.find((l) => l.id === id);
}

export function country(code: string): CountryInfo | undefined {
  return countries.find((c) => c.code === code);
}

export function timezoneOf(code: Country | undefined): string {
  return country(code ?? 'MD')?.timezone ?? 'Europe/Chisinau';
}
