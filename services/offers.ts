/**
 * Cooperation offers and requests: submission (→ staff moderation, like listings), owner edits, pause,
 * one extension, close, reminders before expiry and expiry. Channel-free: users are reached through the
 * Notifier port; other services (matching) subscribe with `onChange`.
 */
import { act } from './actions.js';
import { AuditModel, type AuditEntry } from '../models/audit.js';
import { OFFER_LIMITS, OfferModel, type Offer, type OfferKind, type OfferStatus } from '../models/offer.js';
import type { Country, Sector } from '../models/listing.js';
import type { User } from '../models/user.js';
import type { Clock } from './clock.js';
import type { DirectoryService } from './directory.js';
import { raw, text, type Notifier, type OutMessage, type Text } from './messages.js';
import type { Collection, Store } from './store/port.js';
import { canActIn } from './staff.js';
import { district } from './territories.js';
import type { UserService } from './users.js';

const DAY = 24 * 3600 * 1000;

/** What an owner fills in through /offer. */
export type OfferDraft = Pick<Offer, 'kind' | 'type' | 'sectors' | 'targetCountries' | 'targetDistricts' | 'title' | 'description' | 'keywords'> & {
  /** Days from publication request; default and maximum 365. */
  validityDays?: number;
};

export type OfferPatch = Partial<Pick<OfferDraft, 'title' | 'description' | 'keywords' | 'sectors' | 'targetCountries' | 'targetDistricts'>>;

export type Decision = 'approve' | 'reject' | 'request_changes';

/** Why an owner's action was refused (an i18n key in the "offers" namespace). */
export class OfferError extends Error {
  constructor(public readonly key: 'no_listing' | 'not_found' | 'not_allowed' | 'already_extended' | 'wrong_status' | 'bad_target') {
    super(`offer: ${key}`);
    this.name = 'OfferError';
  }
}

/** An owner may edit an offer in these states (the edit sends it back to moderation). */
const EDITABLE: readonly OfferStatus[] = ['pending', 'published', 'paused', 'changes_requested', 'rejected'];
/** The one extension applies in these states (an expired offer comes back). */
const EXTENDABLE: readonly OfferStatus[] = ['published', 'paused', 'expired'];
/** Offers staff look after in /lagoffers: visible to partners, or paused by their owner. */
const LIVE: readonly OfferStatus[] = ['published', 'paused'];

/** The owner's actions an offer allows now (the service refuses the others; channels show only these). */
export const canEdit = (o: Pick<Offer, 'status'>): boolean => EDITABLE.includes(o.status);
export const canExtend = (o: Pick<Offer, 'status' | 'extended'>): boolean => !o.extended && EXTENDABLE.includes(o.status);

export type OfferListener = (offer: Offer) => Promise<void>;

export class OffersService {
  readonly offers: Collection<Offer>;
  readonly audit: Collection<AuditEntry>;
  private readonly listeners: OfferListener[] = [];

  constructor(
    store: Store,
    private readonly deps: { users: UserService; directory: DirectoryService; notifier: Notifier; clock: Clock; log?: { warn: (o: object, m: string) => void } },
  ) {
    this.offers = store.collection(OfferModel);
    this.audit = store.collection(AuditModel);
  }

  /** Called (and awaited) after every change of an offer's status or content. */
  onChange(listener: OfferListener): void {
    this.listeners.push(listener);
  }

  private async changed(offer: Offer): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(offer);
      } catch (err) {
        this.deps.log?.warn({ err: String(err), offerId: offer._id }, 'offer listener failed');
      }
    }
  }

  byId(id: string): Promise<Offer | null> {
    return this.offers.findById(id);
  }

  /** The owner's offers, newest first (closed/expired included: they can be extended or read). */
  byOwner(ownerId: string): Promise<Offer[]> {
    return this.offers.find({ ownerId }, { sort: { createdAt: -1 } });
  }

  private checkTargets(d: Pick<OfferDraft, 'targetCountries' | 'targetDistricts'>): void {
    if (d.targetDistricts.length > 0 && d.targetCountries.length === 0) throw new OfferError('bad_target');
    for (const id of d.targetDistricts) {
      const x = district(id);
      if (!x || (d.targetCountries.length > 0 && !d.targetCountries.includes(x.country))) throw new OfferError('bad_target');
    }
  }

  /** Creates a pending offer of the owner's business and asks the LAG's staff to review it. */
  async create(owner: User, draft: OfferDraft): Promise<Offer> {
    const listing = await this.deps.directory.byOwner(owner._id);
    if (!listing || listing.status !== 'published') throw new OfferError('no_listing');
    this.checkTargets(draft);
    const now = this.deps.clock.now();
    const days = Math.min(Math.max(1, Math.round(draft.validityDays ?? OFFER_LIMITS.validityDays)), OFFER_LIMITS.validityDays);
    const offer = await this.offers.insert({
      ownerId: owner._id,
      listingId: listing._id,
      lagId: listing.lagId,
      country: listing.country,
      districtId: listing.districtId,
      kind: draft.kind,
      type: draft.type,
      sectors: draft.sectors,
      targetCountries: draft.targetCountries,
      targetDistricts: draft.targetDistricts,
      title: draft.title,
      description: draft.description,
      keywords: draft.keywords,
      status: 'pending',
      validUntil: new Date(now.getTime() + days * DAY),
      extended: false,
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await this.changed(offer);
    await this.notifyStaff(offer, 'new');
    return offer;
  }

  /** An owner's edit: the offer goes back to moderation (what partners read must be checked again). */
  async edit(owner: User, offerId: string, patch: OfferPatch): Promise<Offer> {
    const current = await this.offers.findOne({ _id: offerId, ownerId: owner._id });
    if (!current) throw new OfferError('not_found');
    if (!canEdit(current)) throw new OfferError('wrong_status');
    this.checkTargets({ targetCountries: patch.targetCountries ?? current.targetCountries, targetDistricts: patch.targetDistricts ?? current.targetDistricts });
    const now = this.deps.clock.now();
    const offer = (await this.offers.findOneAndUpdate({ _id: offerId }, { $set: { ...patch, status: 'pending', submittedAt: now, updatedAt: now } }))!;
    await this.changed(offer);
    await this.notifyStaff(offer, 'changed');
    return offer;
  }

  private async transition(owner: User, offerId: string, from: OfferStatus[], to: OfferStatus): Promise<Offer> {
    const now = this.deps.clock.now();
    const offer = await this.offers.findOneAndUpdate({ _id: offerId, ownerId: owner._id, status: { $in: from } }, { $set: { status: to, updatedAt: now } });
    if (!offer) throw new OfferError((await this.offers.findOne({ _id: offerId, ownerId: owner._id })) ? 'wrong_status' : 'not_found');
    await this.changed(offer);
    return offer;
  }

  pause(owner: User, offerId: string): Promise<Offer> {
    return this.transition(owner, offerId, ['published'], 'paused');
  }

  resume(owner: User, offerId: string): Promise<Offer> {
    return this.transition(owner, offerId, ['paused'], 'published');
  }

  /**
   * The one extension: up to 365 more days from the later of today and the current end. An expired offer
   * that was published before comes back.
   */
  async extend(owner: User, offerId: string, days: number = OFFER_LIMITS.validityDays): Promise<Offer> {
    const current = await this.offers.findOne({ _id: offerId, ownerId: owner._id });
    if (!current) throw new OfferError('not_found');
    if (current.extended) throw new OfferError('already_extended');
    if (!EXTENDABLE.includes(current.status)) throw new OfferError('wrong_status');
    const now = this.deps.clock.now();
    const d = Math.min(Math.max(1, Math.round(days)), OFFER_LIMITS.validityDays);
    const from = Math.max(now.getTime(), current.validUntil.getTime());
    const set: Record<string, unknown> = { validUntil: new Date(from + d * DAY), extended: true, updatedAt: now };
    if (current.status === 'expired') set.status = current.publishedAt ? 'published' : 'pending';
    // Claim on `extended: false` so two presses can't extend twice.
    const offer = await this.offers.findOneAndUpdate({ _id: offerId, extended: false }, { $set: set, $unset: { reminderSentAt: true } });
    if (!offer) throw new OfferError('already_extended');
    await this.changed(offer);
    return offer;
  }

  /** Owners close their own offers; staff any offer of their LAG; admins any. */
  async close(actor: User, offerId: string): Promise<Offer> {
    const current = await this.offers.findById(offerId);
    if (!current) throw new OfferError('not_found');
    const isOwner = current.ownerId === actor._id;
    if (!isOwner && !canManage(actor, current)) throw new OfferError('not_allowed');
    if (current.status === 'closed') return current;
    const now = this.deps.clock.now();
    const offer = (await this.offers.findOneAndUpdate({ _id: offerId }, { $set: { status: 'closed', closedAt: now, updatedAt: now } }))!;
    if (!isOwner) {
      await this.audit.insert({ actorId: actor._id, action: 'offer.close', targetType: 'offer', targetId: offerId, at: now });
      const owner = await this.deps.users.byId(offer.ownerId);
      if (owner) await this.deps.notifier.send(owner, { text: [text('offers:closed_by_staff', { title: offer.title })] }).catch(() => undefined);
    }
    await this.changed(offer);
    return offer;
  }

  /** Live offers of a staff member's LAG (every LAG for admins), newest first. */
  live(staff: User, limit: number): Promise<Offer[]> {
    const live = { status: { $in: [...LIVE] } };
    return this.offers.find(staff.role === 'admin' ? live : { ...live, lagId: staff.lagId ?? '' }, { sort: { createdAt: -1 }, limit });
  }

  /**
   * Published offers anyone can act on now (not waiting for the next digest), newest first, narrowed by kind,
   * the offering business's country and a sector. Filters run in memory over the newest `scan` offers: the
   * live set is small (a few hundred per LAG), and the port's filter subset has no array-contains.
   */
  async browse(filter: { kind?: OfferKind; country?: Country; sector?: Sector }, limit: number, scan = 500): Promise<{ offers: Offer[]; total: number }> {
    const now = this.deps.clock.now();
    const live = await this.offers.find({ status: 'published' }, { sort: { publishedAt: -1 }, limit: scan });
    const matching = live.filter((o) => o.validUntil > now
      && (!filter.kind || o.kind === filter.kind)
      && (!filter.country || o.country === filter.country)
      && (!filter.sector || o.sectors.includes(filter.sector)));
    return { offers: matching.slice(0, limit), total: matching.length };
  }

  /** Offers waiting for staff, oldest first (the staff /pending queue). */
  pending(lagId?: string): Promise<Offer[]> {
    return this.offers.find(lagId ? { status: 'pending', lagId } : { status: 'pending' }, { sort: { submittedAt: 1 } });
  }

  /** Staff decision; null when the offer is gone or someone else decided first. */
  async moderate(staff: User, offerId: string, decision: Decision, note?: string): Promise<Offer | null> {
    const status: OfferStatus = decision === 'approve' ? 'published' : decision === 'reject' ? 'rejected' : 'changes_requested';
    const now = this.deps.clock.now();
    const set: Record<string, unknown> = { status, moderatedBy: staff._id, moderatedAt: now, updatedAt: now };
    if (decision === 'approve') set.publishedAt = now;
    if (note) set.moderationNote = note;
    // Atomic claim: only a pending offer can be decided, so two staff pressing at once can't both win.
    const offer = await this.offers.findOneAndUpdate({ _id: offerId, status: 'pending' }, { $set: set });
    if (!offer) return null;
    await this.audit.insert({ actorId: staff._id, action: `offer.${decision}`, targetType: 'offer', targetId: offerId, note, at: now });
    const owner = await this.deps.users.byId(offer.ownerId);
    const changed = decision === 'approve' ? await this.staffChangedFields(offer) : [];
    if (owner) await this.deps.notifier.send(owner, this.outcomeMessage(offer, decision, note, changed)).catch(() => undefined);
    await this.changed(offer);
    return offer;
  }

  /**
   * Staff correct a pending offer's title, description or keywords before deciding: each change is audited
   * with its old and new value, and the owner reads what changed when it is approved. Null when the offer is
   * gone, already decided, or outside the staff member's LAG.
   */
  async staffEdit(staff: User, offerId: string, patch: Partial<Pick<Offer, 'title' | 'description' | 'keywords'>>): Promise<Offer | null> {
    const current = await this.offers.findOne({ _id: offerId, status: 'pending' });
    if (!current || !canManage(staff, current)) return null;
    const now = this.deps.clock.now();
    const offer = await this.offers.findOneAndUpdate({ _id: offerId, status: 'pending' }, { $set: { ...patch, updatedAt: now } });
    if (!offer) return null;
    const shown = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v ?? '')).slice(0, 450);
    for (const field of Object.keys(patch) as ('title' | 'description' | 'keywords')[]) {
      if (shown(current[field]) === shown(patch[field])) continue;
      await this.audit.insert({ actorId: staff._id, action: 'offer.staff_edit', targetType: 'offer', targetId: offerId, note: `${field}: ${shown(current[field])} → ${shown(patch[field])}`, at: now });
    }
    await this.changed(offer);
    return offer;
  }

  private async staffChangedFields(offer: Offer): Promise<('title' | 'description' | 'keywords')[]> {
    const edits = await this.audit.find({ targetId: offer._id, action: 'offer.staff_edit', at: { $gte: offer.submittedAt ?? offer.createdAt } }, { sort: { at: 1 } });
    return [...new Set(edits.map((e) => (e.note ?? '').split(':')[0] as 'title' | 'description' | 'keywords'))];
  }

  private outcomeMessage(offer: Offer, decision: Decision, note?: string, changed: ('title' | 'description' | 'keywords')[] = []): OutMessage {
    const body: Text[] = [text(`offers:outcome.${decision}`, { title: offer.title })];
    if (note) body.push(text('offers:outcome.note', { note }));
    if (changed.length) {
      body.push(text('moderation:owner.changed'));
      for (const f of changed) {
        body.push(text('moderation:owner.changed_field', { field: text(`offers:edit.field.${f}`), value: raw(f === 'keywords' ? offer.keywords.join(', ') : offer[f]) }));
      }
    }
    return { text: body, buttons: [[{ label: text('offers:button.my_offers'), action: act('offers.mine') }]] };
  }

  /** The offer as paragraphs; user text is always a parameter, never markup. */
  summary(o: Offer): Text[] {
    const targets = o.targetCountries.length === 0
      ? text('offers:target.anywhere')
      : text('offers:target.list', {
        places: [
          ...o.targetCountries.filter((c) => !o.targetDistricts.some((d) => district(d)?.country === c)).map((c) => text(`territory:country.${c}`)),
          ...o.targetDistricts.map((d) => text(`territory:district.${d}`)),
        ],
      });
    const lines: Text[] = [
      text('offers:card.title', { kind: text(`offers:kind.${o.kind}`), value: o.title }),
      text('offers:card.type', { value: text(`offers:type.${o.type}`) }),
      text('offers:card.sectors', { value: o.sectors.map((s) => text(`sectors:${s}`)) }),
      text('offers:card.place', { district: text(`territory:district.${o.districtId}`) }),
      text('offers:card.targets', { value: targets }),
      text('offers:card.description', { value: o.description }),
    ];
    if (o.keywords.length) lines.push(text('offers:card.keywords', { value: o.keywords.join(', ') }));
    return lines;
  }

  statusLine(o: Offer): Text {
    return text('offers:card.status', { status: text(`offers:status.${o.status}`), date: new Date(o.validUntil) }); // formatted per locale (Intl) by i18next
  }

  moderationCard(offer: Offer, reason: 'new' | 'changed', businessName: string): OutMessage {
    return {
      text: [text(`offers:moderation.${reason}`, { name: businessName }), ...this.summary(offer)],
      buttons: [[
        { label: text('offers:button.approve'), action: act('offers.moderate', { op: 'ok', offer: offer._id }) },
        { label: text('offers:button.reject'), action: act('offers.moderate', { op: 'no', offer: offer._id }) },
      ], [
        { label: text('offers:button.request_changes'), action: act('offers.moderate', { op: 'ch', offer: offer._id }) },
        { label: text('moderation:button.edit'), action: act('offers.moderate', { op: 'ed', offer: offer._id }) },
      ]],
    };
  }

  private async notifyStaff(offer: Offer, reason: 'new' | 'changed'): Promise<void> {
    const listing = await this.deps.directory.byId(offer.listingId);
    const staff = await this.deps.users.staff(offer.lagId);
    const card = this.moderationCard(offer, reason, listing?.name ?? '—');
    await Promise.all(staff.map((s) => this.deps.notifier.send(s, card).catch(() => undefined)));
  }

  /**
   * Reminders 14 days before expiry (each offer once: claimed by setting reminderSentAt before sending),
   * then expiry. Idempotent: running it twice, or after a restart, sends nothing new.
   */
  async runLifecycle(now: Date): Promise<{ reminded: number; expired: number }> {
    let reminded = 0;
    const soon = new Date(now.getTime() + OFFER_LIMITS.reminderDays * DAY);
    for (;;) {
      const o = await this.offers.findOneAndUpdate(
        { status: { $in: ['published', 'paused'] }, validUntil: { $lte: soon, $gt: now }, reminderSentAt: { $exists: false } },
        { $set: { reminderSentAt: now } },
        { sort: { validUntil: 1 } },
      );
      if (!o) break;
      reminded++;
      const owner = await this.deps.users.byId(o.ownerId);
      if (!owner) continue;
      await this.deps.notifier.send(owner, {
        text: [text('offers:reminder', { title: o.title, date: o.validUntil.toISOString().slice(0, 10) }),
          text(o.extended ? 'offers:reminder_no_extension' : 'offers:reminder_extend')],
        buttons: extendButtons(o),
      }).catch(() => undefined);
    }
    let expired = 0;
    for (;;) {
      const o = await this.offers.findOneAndUpdate(
        { status: { $in: ['published', 'paused', 'pending', 'changes_requested'] }, validUntil: { $lte: now } },
        { $set: { status: 'expired', updatedAt: now } },
      );
      if (!o) break;
      expired++;
      await this.changed(o);
      const owner = await this.deps.users.byId(o.ownerId);
      if (owner) {
        await this.deps.notifier.send(owner, {
          text: [text('offers:expired', { title: o.title })],
          buttons: extendButtons(o),
        }).catch(() => undefined);
      }
    }
    return { reminded, expired };
  }

  /** Privacy (/deleteme): the user's offers go away (matching drops them through onChange). */
  async deleteByOwner(user: User): Promise<number> {
    const owned = await this.offers.find({ ownerId: user._id });
    for (const o of owned) {
      await this.offers.deleteOne({ _id: o._id });
      await this.changed({ ...o, status: 'closed' });
    }
    return owned.length;
  }
}

/** Staff of the offer's LAG, or an admin. */
export function canManage(user: User, offer: Pick<Offer, 'lagId'>): boolean {
  return canActIn(user, offer.lagId);
}

/** The Extend button of a reminder or an expiry notice, while the one extension is unused. */
function extendButtons(o: Offer): OutMessage['buttons'] {
  return canExtend(o) ? [[{ label: text('offers:button.extend'), action: act('offers.extend', { offer: o._id }) }]] : [];
}
