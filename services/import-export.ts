/**
 * Import of an existing entrepreneurs database (CSV/XLSX) as owner-less listings claimable by a code, and
 * CSV exports (UTF-8 with BOM, so Excel opens them; formula-safe cells) of the directory and offers.
 * An uploaded file is kept in the blob store while staff map its columns (never in conversation state) and
 * read again, streaming and within limits (services/import-reader.ts), for the dry run and the import.
 */
import { onceInHandling } from './intake/journal.js';
import { randomBytes } from 'node:crypto';
import { ListingModel, NACE_SECTIONS, type Listing, type Sector } from '../models/listing.js';
import { OfferModel, type Offer } from '../models/offer.js';
import type { User } from '../models/user.js';
import type { Clock } from './clock.js';
import type { DirectoryService } from './directory.js';
import type { EventBus } from './events.js';
import { fold } from './search/normalize.js';
import { safeCsv } from './spreadsheet.js';
import type { StaffService } from './staff.js';
import { DEFAULT_READ_LIMITS, readTable, type Table } from './import-reader.js';
import type { Collection, KeyValue, Store } from './store/port.js';
import { districts, districtsOfLag, type District } from './territories.js';
import { cleanText, normalizeEmail, normalizePhone, normalizeUrl } from './validation.js';

export const IMPORT_FIELDS = ['name', 'phone', 'district', 'locality', 'activity', 'sector', 'email', 'website', 'description'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const REQUIRED_FIELDS: ImportField[] = ['name', 'phone', 'district'];
export const MAX_IMPORT_ROWS = 5000;
export { readTable, ImportRefused, type Table } from './import-reader.js';

/** KV namespace of uploads waiting for a dry run / import (blob id → file name); the retention job sweeps it. */
export const IMPORT_UPLOADS_NS = 'import-uploads';

/** An uploaded file in the blob store, as the import flow keeps it between steps. */
export interface StagedImport {
  uploadId: string;
  fileName: string;
  headers: string[];
  /** Data rows read (at most MAX_IMPORT_ROWS). */
  rows: number;
  /** Data rows beyond the limit: not read, reported. */
  extraRows: number;
}

/** Common header words in ro/ru/en/lv (folded: no diacritics, Latin script). */
const HEADER_WORDS: Record<ImportField, string[]> = {
  name: ['name', 'company', 'business', 'denumire', 'denumirea', 'nume', 'firma', 'intreprindere', 'nazvanie', 'kompaniya', 'predpriyatie', 'nosaukums', 'uznemums'],
  phone: ['phone', 'telephone', 'tel', 'telefon', 'mobil', 'telefons', 'talrunis', 'kontakttelefons'],
  district: ['district', 'raion', 'raionul', 'municipiu', 'rayon', 'region', 'novads', 'pasvaldiba'],
  locality: ['locality', 'village', 'city', 'town', 'localitate', 'localitatea', 'sat', 'oras', 'naselennyi punkt', 'selo', 'gorod', 'apdzivota vieta', 'pagasts', 'ciems', 'pilseta'],
  activity: ['activity', 'activitate', 'activitatea', 'deyatelnost', 'vid deyatelnosti', 'darbiba', 'nozare'],
  sector: ['sector', 'nace', 'caem', 'sektor', 'otrasl', 'sektors'],
  email: ['email', 'e mail', 'mail', 'posta', 'pochta', 'e pasts', 'epasts'],
  website: ['website', 'web', 'site', 'url', 'sait', 'sayt', 'majaslapa', 'timekla vietne', 'pagina web'],
  description: ['description', 'descriere', 'descrierea', 'opisanie', 'apraksts', 'comments', 'note'],
};

export type Mapping = Partial<Record<ImportField, number>>;

export interface ImportRow { line: number; listing?: Omit<Listing, '_id' | 'slug' | 'createdAt' | 'updatedAt'>; errors: string[] }
export interface DryRun { headers: string[]; mapping: Mapping; rows: ImportRow[]; accepted: number; rejected: number }

/** Guesses which column holds which field from the header words. */
export function detectMapping(headers: string[]): Mapping {
  const m: Mapping = {};
  headers.forEach((h, i) => {
    const f = fold(h);
    if (!f) return;
    for (const field of IMPORT_FIELDS) {
      if (m[field] !== undefined) continue;
      if (HEADER_WORDS[field].some((w) => f === w || f.split(' ').includes(w) || (w.includes(' ') && f.includes(w)))) {
        m[field] = i;
        return;
      }
    }
  });
  return m;
}

/** District by any of its names, in any language, with or without diacritics ("Balti", "Бельцы", "r. Soroca"). */
export function matchDistrict(input: string, allowed: District[] = districts): District | undefined {
  const f = fold(input).replace(/^(r|raionul|raion|mun|municipiul|g|gorod|rayon)\s+/, '').replace(/\s+(raion|rayon|novads)$/, '');
  if (!f) return undefined;
  return allowed.find((d) => [d.id.split('-').slice(1).join(' '), ...Object.values(d.names)].some((n) => {
    const fn = fold(n);
    return fn === f || fn.replace(/\s+(oras|gorod|city|valstspilseta|novads|municipality|krai)$/, '') === f || fn.split(' ')[0] === f;
  }));
}

function sectorOf(input: string): Sector[] {
  const letters = input.toUpperCase().match(/\b[A-U]\b/g) ?? [];
  return [...new Set(letters)].filter((s): s is Sector => (NACE_SECTIONS as readonly string[]).includes(s)).slice(0, 5);
}

export class ImportExportService {
  private readonly listings: Collection<Listing>;
  private readonly offers: Collection<Offer>;
  private readonly uploads: KeyValue<{ fileName: string }>;

  constructor(private readonly store: Store, private readonly deps: { clock: Clock; events: EventBus; staff: StaffService; directory: DirectoryService }) {
    this.listings = store.collection(ListingModel);
    this.offers = store.collection(OfferModel);
    this.uploads = store.kv(IMPORT_UPLOADS_NS);
  }

  /**
   * Keeps an uploaded file in the blob store and reads it once (limits checked while reading). Throws
   * ImportRefused with the reason (the file is then not kept).
   */
  async stage(data: Buffer, fileName: string): Promise<StagedImport> {
    const uploadId = await this.store.blobs.put(data, 'application/octet-stream');
    await this.uploads.write(uploadId, { fileName });
    try {
      const table = await readTable(data, fileName, DEFAULT_READ_LIMITS);
      return { uploadId, fileName, headers: (table.rows[0] ?? []).map((h) => h.slice(0, 100)), rows: Math.max(0, table.rows.length - 1), extraRows: table.extraRows };
    } catch (err) {
      await this.discard(uploadId);
      throw err;
    }
  }

  /** The staged file read again (null when it is gone, e.g. swept after a day). */
  async load(uploadId: string): Promise<Table | null> {
    const meta = await this.uploads.read(uploadId);
    const blob = meta ? await this.store.blobs.get(uploadId) : null;
    return blob && meta ? readTable(blob.data, meta.fileName, DEFAULT_READ_LIMITS) : null;
  }

  /** Forgets a staged file (after the import, on cancel, or when refused). */
  async discard(uploadId: string): Promise<void> {
    await this.store.blobs.delete(uploadId);
    await this.uploads.delete(uploadId);
  }

  /** Validates every row; nothing is written. With a LAG (staff), only that LAG's districts are accepted. */
  dryRun(table: string[][], mapping: Mapping, lagId: string | undefined): DryRun {
    const allowed = lagId ? districtsOfLag(lagId) : districts;
    const [headers = [], ...body] = table;
    const get = (row: string[], f: ImportField) => (mapping[f] !== undefined ? (row[mapping[f]!] ?? '').trim() : '');
    const rows: ImportRow[] = body.slice(0, MAX_IMPORT_ROWS).map((row, i) => {
      const errors: string[] = [];
      const name = cleanText(get(row, 'name'), { min: 2, max: 100 });
      if (!name.ok) errors.push('name');
      const d = matchDistrict(get(row, 'district'), allowed);
      if (!d) errors.push('district');
      const phone = normalizePhone(get(row, 'phone'), d?.country);
      if (!phone.ok) errors.push('phone');
      const rawEmail = get(row, 'email');
      const email = rawEmail ? normalizeEmail(rawEmail) : null;
      if (email && !email.ok) errors.push('email');
      const rawWeb = get(row, 'website');
      const web = rawWeb ? normalizeUrl(rawWeb) : null;
      if (web && !web.ok) errors.push('website');
      if (errors.length || !name.ok || !phone.ok || !d) return { line: i + 2, errors };
      const sectors = sectorOf(get(row, 'sector'));
      return {
        line: i + 2,
        errors,
        listing: {
          name: name.value, phone: phone.value, country: d.country, districtId: d.id, lagId: d.lag,
          locality: get(row, 'locality').slice(0, 80), activity: get(row, 'activity').slice(0, 200), description: get(row, 'description').slice(0, 750),
          sectors: sectors.length ? sectors : ['G'], keywords: [], languages: [], status: 'pending',
          ...(email?.ok ? { email: email.value } : {}), ...(web?.ok ? { website: web.value } : {}),
        },
      };
    });
    const accepted = rows.filter((r) => r.listing).length;
    return { headers, mapping, rows, accepted, rejected: rows.length - accepted };
  }

  /** Writes the accepted rows as owner-less listings, each with a claim code. */
  async commit(staff: User, run: DryRun, status: 'pending' | 'published'): Promise<Listing[]> {
    const now = this.deps.clock.now();
    const out: Listing[] = [];
    for (const r of run.rows) {
      if (!r.listing) continue;
      // Row by row, once per update: an import handled again after a crash skips the rows already written.
      const l = await onceInHandling('import.row', () => this.deps.directory.insertWithSlug({
        ...r.listing!, status, claimCode: claimCode(), submittedAt: now, createdAt: now, updatedAt: now,
        ...(status === 'published' ? { publishedAt: now, moderatedBy: staff._id, moderatedAt: now } : {}),
      }), (id) => this.deps.directory.listings.findById(id));
      out.push(l);
      this.deps.events.emit('listing.changed', l);
    }
    await this.deps.staff.log(staff, 'listing.import', 'listing', out[0]?._id ?? '-', `${out.length} ${status}; ${run.rejected} rejected`);
    return out;
  }

  /** The owner claims an imported listing; null when the code is unknown or the user already has one. */
  async claim(user: User, code: string): Promise<Listing | null> {
    if (!/^[A-Z0-9]{8}$/.test(code)) return null;
    if (await this.listings.findOne({ ownerId: user._id })) return null;
    const l = await this.listings.findOneAndUpdate({ claimCode: code, ownerId: { $exists: false } }, { $set: { ownerId: user._id, updatedAt: this.deps.clock.now() }, $unset: { claimCode: true } });
    if (l) this.deps.events.emit('listing.changed', l);
    return l;
  }

  /** The directory as CSV (UTF-8 with BOM, formula-safe cells). */
  async exportListings(lagId?: string): Promise<Buffer> {
    const rows = await this.listings.find(lagId ? { lagId } : {}, { sort: { createdAt: 1 } });
    return safeCsv(rows.map((l) => ({
      id: l._id, name: l.name, status: l.status, district: l.districtId, lag: l.lagId, locality: l.locality, sectors: l.sectors.join(' '),
      activity: l.activity, phone: l.phone, email: l.email ?? '', website: l.website ?? '', description: l.description,
      keywords: l.keywords.join(', '), claim_code: l.claimCode ?? '', created: new Date(l.createdAt).toISOString(),
    })), ['id', 'name', 'status', 'district', 'lag', 'locality', 'sectors', 'activity', 'phone', 'email', 'website', 'description', 'keywords', 'claim_code', 'created']);
  }

  /** Cooperation offers as CSV, every field. */
  async exportOffers(lagId?: string): Promise<Buffer> {
    return ImportExportService.toCsv(await this.offers.find(lagId ? { lagId } : {}, { sort: { createdAt: 1 } }) as unknown as Record<string, unknown>[]);
  }

  /** Rows of any shape as CSV (UTF-8 with BOM, formula-safe cells): one column per field seen. */
  static toCsv(rows: Record<string, unknown>[]): Buffer {
    return safeCsv(rows);
  }
}

/** 8 characters without look-alikes. */
export function claimCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}
