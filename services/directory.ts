/**
 * The LAG directory: listings, their lifecycle (pending → published / rejected / changes requested) and
 * moderation notifications. Staff are told about new and changed listings; owners about the outcome.
 */
import { onceInHandling } from './intake/journal.js';
import { act } from './actions.js';
import slugify from '@sindresorhus/slugify';
import { AuditModel, type AuditEntry } from '../models/audit.js';
import { ListingModel, type Listing, type ListingStatus } from '../models/listing.js';
import { LOCALES, type User } from '../models/user.js';
import type { Clock } from './clock.js';
import type { EventBus } from './events.js';
import { newId } from './ids.js';
import { raw, text, type Notifier, type OutMessage, type Text } from './messages.js';
import { canActIn } from './staff.js';
import { DuplicateKeyError, type Collection, type Store } from './store/port.js';
import { auditChange, descriptionCards, hoursText, profileLines } from './profile.js';
import { district } from './territories.js';
import { languageNames } from './screens/business.js';
import type { UserService } from './users.js';

/** What an owner fills in; status, slug and timestamps are the service's business. */
export type ListingDraft = Pick<Listing,
  'name' | 'sectors' | 'activity' | 'country' | 'districtId' | 'locality' | 'description' | 'keywords' | 'phone' | 'languages'
> & Partial<Pick<Listing, 'email' | 'website' | 'facebook' | 'logoId' | ProfileField>>;

/** Optional fields the public page shows (address, opening hours, messengers, translated descriptions). */
export type ProfileField = 'address' | 'openingHours' | 'telegram' | 'viber' | 'whatsapp' | 'descriptions';

export type ListingField = keyof ListingDraft;

/** Languages a business can say it speaks (ISO 639-1; each has a `registration:lang.<code>` name). */
export const SPOKEN_LANGUAGES = ['ro', 'ru', 'en', 'lv', 'uk', 'de', 'fr', 'it'] as const;

/** Editing these sends a published listing back to moderation: they are what the public reads first. */
export const MODERATED_FIELDS: ReadonlySet<ListingField> = new Set(['name', 'description', 'activity', 'keywords', 'logoId', 'descriptions']);

/** A spoken language by name in the reader's language (ISO 639-1 codes outside the list stay as they are). */
export function languageName(code: string): Text {
  return text(`registration:lang.${code}`, { defaultValue: code });
}

export class ListingNotFound extends Error {
  constructor() {
    super('listing not found');
  }
}

export class DirectoryService {
  readonly listings: Collection<Listing>;
  readonly audit: Collection<AuditEntry>;

  constructor(
    store: Store,
    private readonly deps: { users: UserService; notifier: Notifier; events: EventBus; clock: Clock; publicUrl: string },
  ) {
    this.listings = store.collection(ListingModel);
    this.audit = store.collection(AuditModel);
    // Any change to a listing may change the published count: count again on the next ask.
    const forget = () => (this.published = undefined);
    deps.events.on('listing.changed', forget);
    deps.events.on('listing.deleted', forget);
  }

  /** Counts the published listings again on the next ask (another instance changed one: the change feed). */
  forgetPublishedCount(): void {
    this.published = undefined;
  }

  /** The cached published count, and when it was counted (monotonic ms). */
  private published?: { count: Promise<number>; at: number };

  /**
   * How many businesses are published (shown on /start). Counted once and kept until a listing changes
   * (or for a minute, in case another instance changed one): /start must not count the directory each time.
   */
  publishedCount(): Promise<number> {
    const now = performance.now();
    if (!this.published || now - this.published.at > 60_000) {
      const count = this.listings.count({ status: 'published' });
      this.published = { count, at: now };
      count.catch(() => (this.published = undefined));
    }
    return this.published.count;
  }

  byId(id: string): Promise<Listing | null> {
    return this.listings.findById(id);
  }

  bySlug(slug: string): Promise<Listing | null> {
    return this.listings.findOne({ slug });
  }

  /** The owner's listing (one business per owner in this version). */
  byOwner(ownerId: string): Promise<Listing | null> {
    return this.listings.findOne({ ownerId }, { sort: { createdAt: 1 } });
  }

  publicLink(listing: Pick<Listing, 'slug'>): string {
    return `${this.deps.publicUrl}/b/${listing.slug}`;
  }

  private async uniqueSlug(name: string): Promise<string> {
    const base = (slugify(name) || 'business').slice(0, 60).replace(/-+$/, '');
    if (!(await this.listings.findOne({ slug: base }, { projection: { _id: 1 } }))) return base;
    return `${base}-${newId(3).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  }

  /** Inserts a listing under a slug made from its name (with a short suffix when taken); retries a lost race. */
  async insertWithSlug(doc: Omit<Listing, '_id' | 'slug'>): Promise<Listing> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.listings.insert({ ...doc, slug: await this.uniqueSlug(doc.name) });
      } catch (err) {
        // slug is the listings' only unique index
        if (!(err instanceof DuplicateKeyError) || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Bulk insert for the seed command and imports of many rows: one query for the slugs already taken, then
   * one insertMany. A name whose slug is taken gets -2, -3, … (deterministic, so seeded data is repeatable).
   */
  async insertManyWithSlugs(docs: Omit<Listing, '_id' | 'slug'>[]): Promise<Listing[]> {
    const bases = docs.map((d) => (slugify(d.name) || 'business').slice(0, 60).replace(/-+$/, ''));
    const existing = await this.listings.find({ slug: { $in: [...new Set(bases)] } }, { projection: { slug: 1 } });
    const taken = new Set(existing.map((l) => l.slug));
    const withSlugs = docs.map((d, i) => {
      let slug = bases[i];
      for (let k = 2; taken.has(slug); k++) slug = `${bases[i]}-${k}`;
      taken.add(slug);
      return { ...d, slug };
    });
    return this.listings.insertMany(withSlugs);
  }

  /** Creates a pending listing for the owner and asks staff to review it. */
  async submit(owner: User, draft: ListingDraft): Promise<Listing> {
    const d = district(draft.districtId);
    if (!d || d.country !== draft.country) throw new Error(`unknown district ${draft.districtId}`);
    const now = this.deps.clock.now();
    // Once per update: handled again after a crash, the same submission finds its listing (staff are then
    // told again, but the replies journal keeps those messages from going out twice).
    const listing = await onceInHandling('listing.submit', () => this.insertWithSlug({
      ...draft, ownerId: owner._id, lagId: d.lag, status: 'pending', submittedAt: now, createdAt: now, updatedAt: now,
    }), (id) => this.listings.findById(id));
    this.deps.events.emit('listing.changed', listing);
    await this.notifyStaff(listing, 'new');
    return listing;
  }

  /**
   * Applies an owner's edit. Moderated fields on a published listing send it back to `pending`;
   * contact edits apply at once.
   */
  async edit(owner: User, listingId: string, patch: Partial<ListingDraft>): Promise<{ listing: Listing; remoderate: boolean }> {
    const current = await this.listings.findOne({ _id: listingId, ownerId: owner._id });
    if (!current) throw new ListingNotFound();
    const set: Record<string, unknown> = { ...patch, updatedAt: this.deps.clock.now() };
    if (patch.districtId) {
      const d = district(patch.districtId);
      if (!d) throw new Error(`unknown district ${patch.districtId}`);
      set.lagId = d.lag;
      set.country = d.country;
    }
    const touchesModerated = Object.keys(patch).some((k) => MODERATED_FIELDS.has(k as ListingField));
    const remoderate = touchesModerated && current.status !== 'pending';
    if (remoderate) {
      set.status = 'pending';
      set.submittedAt = this.deps.clock.now();
    }
    const listing = (await this.listings.findOneAndUpdate({ _id: listingId }, { $set: set }))!;
    this.deps.events.emit('listing.changed', listing);
    if (remoderate) await this.notifyStaff(listing, 'changed');
    return { listing, remoderate };
  }

  /** Staff decision. Returns null when the listing is gone or was already decided by someone else. */
  async moderate(
    staff: User,
    listingId: string,
    decision: 'approve' | 'reject' | 'request_changes',
    note?: string,
  ): Promise<Listing | null> {
    const status: ListingStatus = decision === 'approve' ? 'published' : decision === 'reject' ? 'rejected' : 'changes_requested';
    const now = this.deps.clock.now();
    const set: Record<string, unknown> = { status, moderatedBy: staff._id, moderatedAt: now };
    if (decision === 'approve') set.publishedAt = now;
    if (note) set.moderationNote = note;
    // Claim atomically: only a pending listing can be decided, so two staff pressing at once can't both win.
    const listing = await this.listings.findOneAndUpdate({ _id: listingId, status: 'pending' }, { $set: set });
    if (!listing) return null;
    await this.audit.insert({ actorId: staff._id, action: `listing.${decision}`, targetType: 'listing', targetId: listingId, note, at: now });
    this.deps.events.emit('listing.changed', listing);
    if (listing.ownerId) {
      const owner = await this.deps.users.byId(listing.ownerId);
      const changed = decision === 'approve' ? await this.staffChangedFields(listing) : [];
      if (owner) await this.deps.notifier.send(owner, this.outcomeMessage(listing, decision, note, changed));
    }
    return listing;
  }

  /**
   * Staff correct a pending listing before deciding (a typo needs no round trip to the owner). Each changed
   * field is audited with its old and new value; the owner is told what changed when it is approved.
   * Null when the listing is gone, already decided, or outside the staff member's LAG.
   */
  async staffEdit(staff: User, listingId: string, patch: Partial<ListingDraft>): Promise<Listing | null> {
    const current = await this.listings.findOne({ _id: listingId, status: 'pending' });
    if (!current || !canActIn(staff, current.lagId)) return null;
    const now = this.deps.clock.now();
    const set: Record<string, unknown> = { ...patch, updatedAt: now };
    if (patch.districtId) {
      const d = district(patch.districtId);
      if (!d) throw new Error(`unknown district ${patch.districtId}`);
      set.lagId = d.lag;
      set.country = d.country;
    }
    // A name corrected before the first publication also corrects the public address (nobody has it yet).
    if (patch.name && patch.name !== current.name && !current.publishedAt) set.slug = await this.uniqueSlug(patch.name);
    const listing = await this.listings.findOneAndUpdate({ _id: listingId, status: 'pending' }, { $set: set });
    if (!listing) return null;
    for (const field of Object.keys(patch) as ListingField[]) {
      if (field === 'country') continue;
      const change = auditChange(field, current[field], patch[field]);
      if (!change) continue;
      await this.audit.insert({
        actorId: staff._id, action: 'listing.staff_edit', targetType: 'listing', targetId: listingId,
        note: `${field}: ${change.from} → ${change.to}`, at: now,
      });
    }
    this.deps.events.emit('listing.changed', listing);
    return listing;
  }

  /** Fields staff corrected since the listing was last submitted (from the audit log). */
  async staffChangedFields(listing: Listing): Promise<ListingField[]> {
    const since = listing.submittedAt ?? listing.createdAt;
    const edits = await this.audit.find({ targetId: listing._id, action: 'listing.staff_edit', at: { $gte: since } }, { sort: { at: 1 } });
    return [...new Set(edits.map((e) => (e.note ?? '').split(':')[0] as ListingField))];
  }

  /** A field's current value as the owner reads it (names, never codes). */
  fieldValue(l: Listing, field: ListingField): Text {
    switch (field) {
      case 'sectors': return text('moderation:owner.list', { value: l.sectors.map((s) => text(`sectors:${s}`)) });
      case 'districtId': return text(`territory:district.${l.districtId}`);
      case 'languages': return text('moderation:owner.list', { value: l.languages.map(languageName) });
      case 'logoId': return text('moderation:owner.new_photo');
      case 'keywords': return raw(l.keywords.join(', '));
      case 'openingHours': return l.openingHours?.length ? text('moderation:owner.list', { value: hoursText(l.openingHours) }) : raw('—');
      case 'telegram': return raw(l.telegram ? `@${l.telegram}` : '—');
      case 'descriptions': {
        const langs = LOCALES.filter((lng) => l.descriptions?.[lng]);
        return langs.length ? text('moderation:owner.list', { value: langs.map((lng) => text(`profile:language.${lng}`)) }) : raw('—');
      }
      default: return raw(String(l[field] ?? '—'));
    }
  }

  /** Paragraphs under a changed field's line: each translation of the description, in full. */
  private fieldDetails(l: Listing, field: ListingField): Text[] {
    if (field !== 'descriptions') return [];
    return LOCALES.filter((lng) => l.descriptions?.[lng])
      .map((lng) => text('moderation:owner.translation', { language: text(`profile:language.${lng}`), value: l.descriptions![lng]! }));
  }

  private outcomeMessage(listing: Listing, decision: 'approve' | 'reject' | 'request_changes', note?: string, changed: ListingField[] = []): OutMessage {
    const body = [text(`directory:outcome.${decision}`, { name: listing.name })];
    if (note) body.push(text('directory:outcome.note', { note }));
    if (changed.length) {
      body.push(text('moderation:owner.changed'));
      for (const f of changed) {
        body.push(text('moderation:owner.changed_field', { field: text(`registration:field.${f}`), value: this.fieldValue(listing, f) }), ...this.fieldDetails(listing, f));
      }
    }
    if (decision === 'approve') body.push(text('directory:outcome.link', { url: this.publicLink(listing) }));
    const buttons = decision === 'approve' ? [] : [[{ label: text('directory:button.edit'), intent: 'biz:edit' }]];
    return { text: body, buttons };
  }

  /** A moderation card (business summary + Approve / Reject) for staff of the listing's LAG. */
  moderationCard(listing: Listing, reason: 'new' | 'changed' | 'edited'): OutMessage {
    const translations = descriptionCards(listing);
    return {
      text: [text(reason === 'edited' ? 'moderation:edited' : `directory:moderation.${reason}`), ...this.summary(listing)],
      buttons: [[
        { label: text('directory:button.approve'), action: act('listing.moderate', { op: 'ok', listing: listing._id }) },
        { label: text('moderation:button.edit'), action: act('listing.moderate', { op: 'ed', listing: listing._id }) },
      ], [
        { label: text('directory:button.request_changes'), action: act('listing.moderate', { op: 'ch', listing: listing._id }) },
        { label: text('directory:button.reject'), action: act('listing.moderate', { op: 'no', listing: listing._id }) },
      ]],
      // Staff see the logo the public will see (captioned with the name when the card is too long for a caption).
      ...(listing.logoId ? { photo: { blobId: listing.logoId, caption: listing.name } } : {}),
      // The translated descriptions are published on the page too: staff read each one before deciding, one
      // message per language after the card, the buttons under the last.
      ...(translations.length ? { cards: translations } : {}),
    };
  }

  /** The listing as paragraphs (every user-provided value is raw text, never markup). */
  summary(l: Listing): ReturnType<typeof text>[] {
    const lines = [
      text('directory:card.name', { value: l.name }),
      text('directory:card.sectors', { value: l.sectors.map((s) => text(`sectors:${s}`)) }),
      text('directory:card.activity', { value: l.activity || '—' }),
      text('directory:card.place', { district: text(`territory:district.${l.districtId}`), locality: l.locality || '—' }),
      text('directory:card.description', { value: l.description || '—' }),
      text('directory:card.keywords', { value: l.keywords.join(', ') || '—' }),
      text('directory:card.phone', { value: l.phone }),
    ];
    if (l.email) lines.push(text('directory:card.email', { value: l.email }));
    if (l.website) lines.push(text('directory:card.website', { value: l.website }));
    if (l.facebook) lines.push(text('directory:card.facebook', { value: l.facebook }));
    lines.push(...profileLines(l));
    if (l.languages.length) lines.push(text('directory:card.languages', { value: languageNames(l.languages, SPOKEN_LANGUAGES) }));
    lines.push(text('directory:card.status', { status: text(`directory:status.${l.status}`) }));
    return lines;
  }

  private async notifyStaff(listing: Listing, reason: 'new' | 'changed'): Promise<void> {
    const staff = await this.deps.users.staff(listing.lagId);
    const card = this.moderationCard(listing, reason);
    await Promise.all(staff.map((s) => this.deps.notifier.send(s, card).catch(() => undefined)));
  }

  pending(lagId?: string): Promise<Listing[]> {
    return this.listings.find(lagId ? { status: 'pending', lagId } : { status: 'pending' }, { sort: { submittedAt: 1 } });
  }

  /** Removes every listing the owner has, with their photos (privacy: /deleteme). */
  async deleteByOwner(ownerId: string, deleteBlob: (id: string) => Promise<void>): Promise<number> {
    const owned = await this.listings.find({ ownerId });
    for (const l of owned) {
      if (l.logoId) await deleteBlob(l.logoId);
      await this.listings.deleteOne({ _id: l._id });
      this.deps.events.emit('listing.deleted', l._id);
    }
    return owned.length;
  }
}

