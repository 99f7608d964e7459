/**
 * Matches as users live them: recorded when an offer becomes active (both sides, unique per user and pair),
 * pushed by cadence (instant / daily / weekly at 09:00 local time / off), "Interested" → the other side is
 * asked → both agree → contacts exchanged and the introduction recorded; "Not relevant" hides an offer.
 */
import { act } from '../actions.js';
import type { Logger } from 'pino';
import { DigestRunModel, HiddenOfferModel, IntroductionModel, MatchModel, type DigestRun, type HiddenOffer, type Introduction, type Match } from '../../models/match.js';
import { OfferModel, type Offer } from '../../models/offer.js';
import type { Cadence, User } from '../../models/user.js';
import type { Clock } from '../clock.js';
import type { DirectoryService } from '../directory.js';
import { raw, shorten, text, type DeliveryOutcome, type Notifier, type OutMessage, type Text } from '../messages.js';
import type { OffersService } from '../offers.js';
import { DuplicateKeyError, type Collection, type Store } from '../store/port.js';
import { district, timezoneOf } from '../territories.js';
import { insidePushWindow, type UserService } from '../users.js';
import { explain, flip, type PairResult } from './engine.js';
import { MatchIndex, type Scored } from './inverted-index.js';
import { localTime } from './local-time.js';

export const DIGEST_SIZE = 5;
export const DIGEST_HOUR = 9;
/** Matches recorded per offer when it becomes active (the best ones). */
export const MAX_MATCHES_PER_OFFER = 50;
/** A match card shows the other offer's description up to this many characters. */
const CARD_DESCRIPTION = 300;
const SYNC_OVERLAP_MS = 60_000;

export type InterestResult = 'asked' | 'connected' | 'already' | 'declined' | 'unavailable';

export interface MatchingDeps {
  offers: OffersService;
  users: UserService;
  directory: DirectoryService;
  notifier: Notifier;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn'>;
  crossBorderBoost: number;
}

const isDup = (err: unknown) => err instanceof DuplicateKeyError;

export class MatchingService {
  readonly index: MatchIndex;
  readonly matches: Collection<Match>;
  readonly intros: Collection<Introduction>;
  readonly hidden: Collection<HiddenOffer>;
  readonly digests: Collection<DigestRun>;
  private readonly offerDocs: Collection<Offer>;
  private loading?: Promise<void>;
  private syncedAt = new Date(0);

  constructor(store: Store, private readonly deps: MatchingDeps) {
    this.index = new MatchIndex({ crossBorderBoost: deps.crossBorderBoost, districtCountry: (id) => district(id)?.country });
    this.matches = store.collection(MatchModel);
    this.intros = store.collection(IntroductionModel);
    this.hidden = store.collection(HiddenOfferModel);
    this.digests = store.collection(DigestRunModel);
    this.offerDocs = store.collection(OfferModel);
    deps.offers.onChange((o) => this.offerChanged(o));
  }

  private isActive(o: Offer, now = this.deps.clock.now()): boolean {
    return o.status === 'published' && o.validUntil.getTime() > now.getTime();
  }

  /** Loads active offers into the index once (at start or on first use). */
  ensureLoaded(): Promise<void> {
    this.loading ??= (async () => {
      const started = this.deps.clock.now();
      for await (const o of this.offerDocs.stream({ status: 'published' })) if (this.isActive(o)) this.index.upsert(o);
      this.syncedAt = started;
    })();
    return this.loading;
  }

  /**
   * Picks up offers changed by other instances (several processes on one MongoDB): everything updated since
   * the last sync is re-read. Cheap when nothing changed.
   */
  async sync(): Promise<number> {
    await this.ensureLoaded();
    const started = this.deps.clock.now();
    const changed = await this.offerDocs.find({ updatedAt: { $gte: this.syncedAt } });
    for (const o of changed) {
      if (this.isActive(o, started)) this.index.upsert(o);
      else this.index.remove(o._id);
    }
    // Re-read a minute of overlap next time: writes stamped just before this read, or by a clock a little
    // behind ours, are not missed (re-applying a change is harmless).
    this.syncedAt = new Date(started.getTime() - SYNC_OVERLAP_MS);
    return changed.length;
  }

  /**
   * Another instance changed this offer (the change feed): only the index follows. That instance recorded the
   * matches and sent the notifications already.
   */
  async refreshOffer(id: string): Promise<void> {
    await this.ensureLoaded();
    const o = await this.offerDocs.findById(id);
    if (o && this.isActive(o)) this.index.upsert(o);
    else this.index.remove(id);
  }

  /** Every offer read again (the change feed's fallback). */
  async resync(): Promise<void> {
    await this.ensureLoaded();
    const now = this.deps.clock.now();
    for await (const o of this.offerDocs.stream({})) {
      if (this.isActive(o, now)) this.index.upsert(o);
      else this.index.remove(o._id);
    }
  }

  private async offerChanged(o: Offer): Promise<void> {
    await this.ensureLoaded();
    if (!this.isActive(o)) {
      this.index.remove(o._id);
      // Matches not yet pushed disappear with the offer; pushed ones stay, so nothing is sent twice.
      await this.matches.deleteMany({ offerId: o._id, notifiedAt: { $exists: false } });
      await this.matches.deleteMany({ otherOfferId: o._id, notifiedAt: { $exists: false } });
      return;
    }
    const p = this.index.upsert(o);
    const found = this.index.matchesFor(p, MAX_MATCHES_PER_OFFER);
    const touched = await this.record(o, found);
    const now = this.deps.clock.now();
    for (const userId of touched) {
      const user = await this.deps.users.byId(userId);
      // Outside Messenger's window an instant push waits; runDueDigests sends it once the user writes again.
      if (user?.matchCadence === 'instant' && this.canPush(user, now)) await this.deliverNew(user, now, false);
    }
  }

  /** Stores both sides of each match; an existing (user, offer, other offer) record is left alone. */
  private async record(o: Offer, found: Scored[]): Promise<Set<string>> {
    const touched = new Set<string>();
    if (!found.length) return touched;
    const ids = found.map((f) => f.profile.id);
    const hiddenByMe = new Set((await this.hidden.find({ userId: o.ownerId, offerId: { $in: ids } })).map((h) => h.offerId));
    const hidingMe = new Set((await this.hidden.find({ offerId: o._id })).map((h) => h.userId));
    const now = this.deps.clock.now();
    for (const { profile: q, result } of found) {
      if (hiddenByMe.has(q.id) || hidingMe.has(q.ownerId)) continue;
      if (await this.insertSide(o.ownerId, o._id, q.ownerId, q.id, result, now)) touched.add(o.ownerId);
      if (await this.insertSide(q.ownerId, q.id, o.ownerId, o._id, flip(result), now)) touched.add(q.ownerId);
    }
    return touched;
  }

  private async insertSide(userId: string, offerId: string, otherUserId: string, otherOfferId: string, r: PairResult, now: Date): Promise<boolean> {
    try {
      await this.matches.insert({
        userId, offerId, otherOfferId, otherUserId, score: r.score, sectors: r.sectors, terms: r.terms, otherTerms: r.otherTerms,
        crossBorder: r.crossBorder, targeted: r.bTargetsA, hidden: false, createdAt: now,
      });
      return true;
    } catch (err) {
      if (isDup(err)) return false;
      throw err;
    }
  }

  /** Reachable, and on Messenger inside the 24 h window (promotional content is allowed only there). */
  private canPush(user: User, now: Date): boolean {
    if (!user.reachable) return false;
    return insidePushWindow(user, now);
  }

  /** Digest period for a user now, or null when it is not their time yet (09:00 in their time zone). */
  async duePeriod(user: User, now: Date): Promise<string | null> {
    if (user.matchCadence === 'off' || user.matchCadence === 'instant') return null;
    const listing = await this.deps.directory.byOwner(user._id);
    const lt = localTime(now, timezoneOf(listing?.country));
    if (user.matchCadence === 'daily') return lt.hour >= DIGEST_HOUR ? `d:${lt.date}` : null;
    return lt.weekday > 1 || lt.hour >= DIGEST_HOUR ? `w:${lt.week}` : null;
  }

  /**
   * The scheduled push: every user with new matches whose digest is due gets one (daily/weekly at 09:00
   * local). Idempotent: the digest of a period is claimed by inserting a unique (user, period) record,
   * each match by setting notifiedAt before it is sent — a second run, or a run after a restart, sends nothing.
   */
  async runDueDigests(now: Date = this.deps.clock.now()): Promise<{ users: number; matches: number }> {
    const userIds = await this.matches.distinct<string>('userId', { notifiedAt: { $exists: false }, hidden: false });
    let users = 0;
    let sent = 0;
    for (const id of userIds) {
      const user = await this.deps.users.byId(id);
      if (!user || user.matchCadence === 'off' || !this.canPush(user, now)) continue;
      if (user.matchCadence !== 'instant') {
        const period = await this.duePeriod(user, now);
        if (!period) continue;
        try {
          await this.digests.insert({ userId: user._id, period, at: now });
        } catch (err) {
          if (isDup(err)) continue;
          throw err;
        }
      }
      const n = await this.deliverNew(user, now, true);
      if (n > 0) users++;
      sent += n;
    }
    if (sent) this.deps.log.info({ users, matches: sent }, 'match digests sent');
    return { users, matches: sent };
  }

  /** New (never pushed) matches of a user, best first. */
  newMatches(userId: string, limit?: number): Promise<Match[]> {
    return this.matches.find({ userId, notifiedAt: { $exists: false }, hidden: false }, { sort: { score: -1, createdAt: 1 }, limit });
  }

  /** Sends the best new matches (up to 5) as cards, plus "see more" when there are others. Returns how many. */
  async deliverNew(user: User, now: Date, withHeader: boolean): Promise<number> {
    const total = await this.matches.count({ userId: user._id, notifiedAt: { $exists: false }, hidden: false });
    if (total === 0) return 0;
    const candidates = await this.newMatches(user._id, DIGEST_SIZE);
    if (withHeader) {
      const o = await this.deps.notifier.send(user, { text: [text('offers:digest.header', { count: total })] }, { promotional: true });
      if (!(await this.deliverable(user, o))) return 0;
    }
    let sent = 0;
    for (const m of candidates) {
      const card = await this.matchCard(m);
      if (!card) {
        await this.matches.updateOne({ _id: m._id }, { $set: { hidden: true } });
        continue;
      }
      // Claim before sending: if the process dies right after the send, the match is not sent again.
      const claimed = await this.matches.findOneAndUpdate({ _id: m._id, notifiedAt: { $exists: false } }, { $set: { notifiedAt: now } });
      if (!claimed) continue;
      const outcome = await this.deps.notifier.send(user, card, { promotional: true });
      if (!(await this.deliverable(user, outcome))) {
        if (outcome.status === 'outside_window' || (outcome.status === 'failed' && outcome.retryable) || outcome.status === 'rate_limited') {
          await this.matches.updateOne({ _id: m._id }, { $unset: { notifiedAt: true } });
        }
        return sent;
      }
      sent++;
    }
    const rest = total - sent;
    if (rest > 0 && sent > 0) {
      await this.deps.notifier.send(user, {
        text: [text('offers:digest.more', { count: rest })],
        buttons: [[{ label: text('offers:button.see_more'), action: act('match.more') }]],
      }, { promotional: true });
    }
    return sent;
  }

  private async deliverable(user: User, outcome: DeliveryOutcome): Promise<boolean> {
    if (outcome.status === 'sent') return true;
    if (outcome.status === 'unreachable') await this.deps.users.markUnreachable(user._id);
    this.deps.log.warn({ userId: user._id, outcome }, 'match push not delivered');
    return false;
  }

  /** The match card the recipient reads: the other offer, its business, and why it fits. */
  async matchCard(m: Match): Promise<OutMessage | null> {
    const [mine, other] = await Promise.all([this.deps.offers.byId(m.offerId), this.deps.offers.byId(m.otherOfferId)]);
    if (!mine || !other || other.status !== 'published') return null;
    const listing = await this.deps.directory.byId(other.listingId);
    const body: Text[] = [
      text('offers:match.header', { mine: mine.title }),
      text('offers:card.title', { kind: text(`offers:kind.${other.kind}`), value: other.title }),
      text('offers:card.type', { value: text(`offers:type.${other.type}`) }),
      text('offers:match.business', { name: listing?.name ?? '—', district: text(`territory:district.${other.districtId}`), country: text(`territory:country.${other.country}`) }),
      raw(shorten(other.description, CARD_DESCRIPTION)),
      text('offers:match.why', { why: explain({ sectors: m.sectors, terms: m.terms, crossBorder: m.crossBorder, targeted: m.targeted, recipientCountry: mine.country }) }),
    ];
    return {
      text: body,
      buttons: [[
        { label: text('offers:button.interested'), action: act('match.answer', { op: 'y', match: m._id }) },
        { label: text('offers:button.not_relevant'), action: act('match.answer', { op: 'n', match: m._id }) },
      ]],
    };
  }

  /** The user's matches to show on request (/matches): new ones are pushed as cards; else the latest. */
  async recent(userId: string, limit = DIGEST_SIZE): Promise<Match[]> {
    return this.matches.find({ userId, hidden: false }, { sort: { createdAt: -1 }, limit });
  }

  /** "Not relevant": the other offer is hidden for this user, now and later. */
  async notRelevant(user: User, matchId: string): Promise<boolean> {
    const m = await this.matches.findOne({ _id: matchId, userId: user._id });
    if (!m) return false;
    try {
      await this.hidden.insert({ userId: user._id, offerId: m.otherOfferId, at: this.deps.clock.now() });
    } catch (err) {
      if (!isDup(err)) throw err;
    }
    await this.matches.updateMany({ userId: user._id, otherOfferId: m.otherOfferId }, { $set: { hidden: true } });
    return true;
  }

  /** "Interested" on a match card. */
  async interested(user: User, matchId: string): Promise<InterestResult> {
    const m = await this.matches.findOne({ _id: matchId, userId: user._id });
    if (!m) return 'unavailable';
    return this.agree(user, m.offerId, m.otherOfferId);
  }

  /** The other side's answer to "X is interested — connect?". */
  async answer(user: User, introId: string, yes: boolean): Promise<InterestResult> {
    const intro = await this.intros.findOne({ _id: introId, userIds: user._id });
    if (!intro) return 'unavailable';
    if (intro.status === 'connected') return 'already';
    const i = intro.userIds.indexOf(user._id);
    if (yes) return this.agree(user, intro.offerIds[i], intro.offerIds[1 - i]);
    await this.intros.updateOne({ _id: intro._id, status: { $ne: 'connected' } }, { $set: { status: 'declined' }, $addToSet: { no: user._id }, $pull: { yes: user._id } });
    return 'declined';
  }

  private async agree(user: User, myOfferId: string, otherOfferId: string): Promise<InterestResult> {
    const [mine, other] = await Promise.all([this.deps.offers.byId(myOfferId), this.deps.offers.byId(otherOfferId)]);
    if (!mine || !other || mine.ownerId !== user._id || other.status !== 'published') return 'unavailable';
    const pairKey = [mine._id, other._id].sort().join(':');
    const now = this.deps.clock.now();
    let intro = await this.intros.findOne({ pairKey });
    let created = false;
    if (!intro) {
      try {
        intro = await this.intros.insert({
          pairKey, offerIds: [mine._id, other._id], userIds: [user._id, other.ownerId], lagIds: [...new Set([mine.lagId, other.lagId])],
          initiatorId: user._id, yes: [user._id], no: [], status: 'asked', createdAt: now,
        });
        created = true;
      } catch (err) {
        if (!isDup(err)) throw err;
        intro = await this.intros.findOne({ pairKey });
      }
    }
    if (!intro) return 'unavailable';
    if (intro.status === 'connected') return 'already';
    if (!created) {
      if (intro.yes.includes(user._id)) return 'already';
      intro = (await this.intros.findOneAndUpdate({ _id: intro._id }, { $addToSet: { yes: user._id }, $pull: { no: user._id }, $set: { status: 'asked' } }))!;
    }
    const otherId = intro.userIds.find((u) => u !== user._id)!;
    if (intro.yes.includes(otherId)) {
      const won = await this.intros.findOneAndUpdate({ _id: intro._id, status: { $ne: 'connected' } }, { $set: { status: 'connected', connectedAt: now } });
      if (!won) return 'already';
      await this.exchangeContacts(user, mine, other);
      return 'connected';
    }
    if (created) {
      const otherUser = await this.deps.users.byId(otherId);
      const listing = await this.deps.directory.byId(mine.listingId);
      if (otherUser) {
        await this.deps.notifier.send(otherUser, {
          text: [
            text('offers:interest.question', { name: listing?.name ?? '—', title: other.title }),
            ...this.deps.offers.summary(mine),
            text('offers:interest.privacy'),
          ],
          buttons: [[
            { label: text('offers:button.connect_yes'), action: act('intro.answer', { op: 'y', intro: intro._id }) },
            { label: text('offers:button.connect_no'), action: act('intro.answer', { op: 'n', intro: intro._id }) },
          ]],
        }).catch(() => undefined);
      }
    }
    return 'asked';
  }

  private async exchangeContacts(a: User, aOffer: Offer, bOffer: Offer): Promise<void> {
    const b = await this.deps.users.byId(bOffer.ownerId);
    const send = async (to: User | null, about: Offer, mine: Offer) => {
      if (!to) return;
      const l = await this.deps.directory.byId(about.listingId);
      const owner = await this.deps.users.byId(about.ownerId);
      const lines: Text[] = [text('offers:connected.title', { name: l?.name ?? '—', title: about.title, mine: mine.title })];
      if (l?.phone) lines.push(text('offers:connected.phone', { value: l.phone }));
      if (l?.email) lines.push(text('offers:connected.email', { value: l.email }));
      if (l?.website) lines.push(text('offers:connected.website', { value: l.website }));
      if (owner?.channel === 'telegram' && owner.username) lines.push(text('offers:connected.telegram', { value: `@${owner.username}` }));
      lines.push(text('offers:connected.next'));
      await this.deps.notifier.send(to, { text: lines, buttons: l?.phone ? [[{ label: text('offers:button.call'), phone: l.phone }]] : [] }).catch(() => undefined);
    };
    await send(a, bOffer, aOffer);
    await send(b, aOffer, bOffer);
  }

  /** The user's push cadence (/notifications). */
  async setCadence(userId: string, cadence: Cadence): Promise<void> {
    await this.deps.users.users.updateOne({ _id: userId }, { $set: { matchCadence: cadence } });
  }

  /** Completed introductions (LAG statistics): all, or those involving a LAG. */
  introductions(lagId?: string): Promise<number> {
    return this.intros.count(lagId ? { status: 'connected', lagIds: lagId } : { status: 'connected' });
  }

  /** Privacy (/deleteme). */
  async eraseUser(user: User): Promise<void> {
    await this.matches.deleteMany({ userId: user._id });
    await this.matches.deleteMany({ otherUserId: user._id });
    await this.hidden.deleteMany({ userId: user._id });
    await this.digests.deleteMany({ userId: user._id });
    await this.intros.deleteMany({ userIds: user._id });
  }
}
