/**
 * LAG events (webinars, master classes, study visits): staff create one with texts per language, a time in
 * the LAG's zone, a place or an online link, a capacity and an audience; the invitation goes out through the
 * broadcast engine with "I'll come" / "Not this time". Seats are taken atomically (a counter on the event);
 * when it is full people join a waiting list and move up when someone cancels. Registrants get an .ics file
 * and reminders a day and an hour before — each claimed in the store before it is sent, so exactly once,
 * across restarts and instances.
 */
import { onceInHandling } from './intake/journal.js';
import { act } from './actions.js';
import { createEvent } from 'ics';
import { BroadcastModel, type Audience, type Broadcast, type BroadcastVersion } from '../models/broadcast.js';
import { EventRsvpModel, LagEventModel, type EventRsvp, type LagEvent } from '../models/lag-event.js';
import { ListingModel, type Listing } from '../models/listing.js';
import { LOCALES, type Locale, type User } from '../models/user.js';
import type { BroadcastService } from './broadcast/service.js';
import type { Clock } from './clock.js';
import { translator } from './i18n.js';
import { text, type Notifier } from './messages.js';
import { canActIn } from './staff.js';
import type { Collection, Store } from './store/port.js';
import type { UserService } from './users.js';

export const EVENT_REMINDER_JOB = 'events.reminders';
const HOUR = 3600_000;
/** Calendar files say this long (the composer does not ask for an end). */
const DEFAULT_DURATION_HOURS = 2;

export type EventDraft = Pick<LagEvent, 'title' | 'description' | 'fallback' | 'startsAt' | 'timeZone' | 'place' | 'link' | 'capacity' | 'audience'>;

export type RsvpResult =
  | { status: 'going' | 'waiting' | 'declined' | 'already_going' }
  | { status: 'gone' | 'past' };

/** An event's text in a reader's language (their own, else the one it was written in). */
export function eventText(e: Pick<LagEvent, 'title' | 'description' | 'fallback'>, locale: Locale): { title: string; description: string } {
  const pick = (m: Partial<Record<Locale, string>>) => m[locale] ?? m[e.fallback] ?? Object.values(m).find(Boolean) ?? '';
  return { title: pick(e.title), description: pick(e.description) };
}

/** "3 December 2026, 10:00 (Europe/Chisinau)" in the reader's language. */
export function eventWhen(e: Pick<LagEvent, 'startsAt' | 'timeZone'>, locale: Locale): string {
  const f = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: e.timeZone });
  return `${f.format(e.startsAt)} (${e.timeZone})`;
}

export class EventsService {
  readonly events: Collection<LagEvent>;
  readonly rsvps: Collection<EventRsvp>;
  private readonly listings: Collection<Listing>;
  private readonly broadcasts: Collection<Broadcast>;

  constructor(store: Store, private readonly deps: { clock: Clock; users: UserService; notifier: Notifier; broadcasts: BroadcastService }) {
    this.events = store.collection(LagEventModel);
    this.rsvps = store.collection(EventRsvpModel);
    this.listings = store.collection(ListingModel);
    this.broadcasts = store.collection(BroadcastModel);
  }

  byId(id: string): Promise<LagEvent | null> {
    return this.events.findById(id);
  }

  /** The invitation as one reader sees it (also the broadcast version for their language). */
  invitation(e: LagEvent, locale: Locale): string {
    const t = translator(locale);
    const { title, description } = eventText(e, locale);
    const lines = [t('events:invite.head', { title }), t('events:invite.when', { when: eventWhen(e, locale) })];
    if (e.place) lines.push(t('events:invite.place', { place: e.place }));
    if (e.link) lines.push(t('events:invite.link', { link: e.link }));
    if (e.capacity) lines.push(t('events:invite.capacity', { count: e.capacity }));
    if (description) lines.push('', description);
    return lines.join('\n');
  }

  /**
   * Creates the event and its invitation broadcast (a draft with one version per language, RSVP buttons added
   * by the channel). The caller schedules it like any broadcast.
   */
  async create(staff: User, draft: EventDraft): Promise<{ event: LagEvent; broadcast: Broadcast }> {
    if (!canActIn(staff, draft.audience.lagId)) throw new Error('not allowed');
    const now = this.deps.clock.now();
    const event = await onceInHandling('event.create', () => this.events.insert({ ...draft, lagId: draft.audience.lagId, createdBy: staff._id, going: 0, createdAt: now }), (id) => this.events.findById(id));
    const versions: BroadcastVersion[] = [
      { locale: '*', text: this.invitation(event, event.fallback), entities: [] },
      ...LOCALES.map((l) => ({ locale: l, text: this.invitation(event, l), entities: [] })),
    ];
    // Invitations carry Telegram buttons: the audience is limited to Telegram.
    const audience: Audience = { ...draft.audience, channels: ['telegram'] };
    const broadcast = await this.deps.broadcasts.create(staff, { audience, versions, eventId: event._id });
    await this.events.updateOne({ _id: event._id }, { $set: { broadcastId: broadcast._id } });
    return { event: { ...event, broadcastId: broadcast._id }, broadcast };
  }

  /** "I'll come" / "Not this time". A seat is taken atomically; when full, the waiting list. */
  async rsvp(user: User, eventId: string, yes: boolean): Promise<RsvpResult> {
    const e = await this.events.findById(eventId);
    if (!e) return { status: 'gone' };
    const now = this.deps.clock.now();
    if (e.startsAt <= now) return { status: 'past' };
    const id = `${eventId}|${user._id}`;
    const current = await this.rsvps.findById(id);
    if (yes) {
      if (current?.status === 'going') return { status: 'already_going' };
      if (current?.status === 'waiting') return { status: 'waiting' };
      const seat = await this.takeSeat(e);
      await this.rsvps.upsert({ _id: id }, { $set: { eventId, userId: user._id, status: seat ? 'going' : 'waiting', at: now } });
      return { status: seat ? 'going' : 'waiting' };
    }
    await this.rsvps.upsert({ _id: id }, { $set: { eventId, userId: user._id, status: 'declined', at: now } });
    if (current?.status === 'going') {
      await this.events.updateOne({ _id: eventId }, { $inc: { going: -1 } });
      await this.promote(e);
    }
    return { status: 'declined' };
  }

  private async takeSeat(e: LagEvent): Promise<boolean> {
    const filter: Record<string, unknown> = { _id: e._id };
    if (e.capacity) filter.going = { $lt: e.capacity };
    return !!(await this.events.findOneAndUpdate(filter, { $inc: { going: 1 } }));
  }

  /** The first on the waiting list takes the freed seat and is told so. */
  private async promote(e: LagEvent): Promise<void> {
    const next = await this.rsvps.findOne({ eventId: e._id, status: 'waiting' }, { sort: { at: 1 } });
    if (!next || !(await this.takeSeat(e))) return;
    const moved = await this.rsvps.findOneAndUpdate({ _id: next._id, status: 'waiting' }, { $set: { status: 'going' } });
    if (!moved) {
      await this.events.updateOne({ _id: e._id }, { $inc: { going: -1 } });
      return;
    }
    const u = await this.deps.users.byId(next.userId);
    if (u) {
      await this.deps.notifier.send(u, {
        text: [text('events:promoted', { title: eventText(e, u.locale).title, when: eventWhen(e, u.locale) })],
        buttons: [[{ label: text('events:button.calendar'), action: act('event', { op: 'c', event: e._id }) }]],
      });
    }
  }

  /** Upcoming events a person may see: their LAG's (by their listing, or staff's own) and those for all LAGs. */
  async upcomingFor(user: User, limit = 10): Promise<LagEvent[]> {
    const lagIds = new Set<string>();
    if (user.lagId) lagIds.add(user.lagId);
    for (const l of await this.listings.find({ ownerId: user._id }, { projection: { lagId: 1 } })) lagIds.add(l.lagId);
    const upcoming = await this.events.find({ startsAt: { $gt: this.deps.clock.now() } }, { sort: { startsAt: 1 } });
    return upcoming.filter((e) => user.role === 'admin' || !e.lagId || lagIds.has(e.lagId)).slice(0, limit);
  }

  rsvpOf(eventId: string, userId: string): Promise<EventRsvp | null> {
    return this.rsvps.findById(`${eventId}|${userId}`);
  }

  /** Who answered, in order of answering, with the person (for the staff list and export). */
  async registrants(eventId: string): Promise<{ rsvp: EventRsvp; user: User | null; business?: string }[]> {
    const rsvps = await this.rsvps.find({ eventId }, { sort: { at: 1 } });
    const out = [];
    for (const r of rsvps) {
      const user = await this.deps.users.byId(r.userId);
      const listing = await this.listings.findOne({ ownerId: r.userId }, { projection: { name: 1 } });
      out.push({ rsvp: r, user, business: listing?.name });
    }
    return out;
  }

  /** The calendar file (UTC start, the reader's language). */
  ics(e: LagEvent, locale: Locale, publicUrl: string): string {
    const { title, description } = eventText(e, locale);
    const r = createEvent({
      start: e.startsAt.getTime(), startInputType: 'utc', startOutputType: 'utc', duration: { hours: DEFAULT_DURATION_HOURS },
      title, description: description || undefined, location: e.place || e.link || undefined,
      ...(e.link ? { url: e.link } : {}), uid: `${e._id}@${new URL(publicUrl).hostname}`, productId: 'lag-assistant',
    });
    if (r.error || !r.value) throw r.error ?? new Error('ics failed');
    return r.value;
  }

  /**
   * Reminders a day and an hour before. Each is claimed on the registration (remindedDay / remindedHour set
   * atomically) before it is sent: a restart or a second instance never sends one twice. When the bot was
   * down through the day-before moment and less than an hour is left, only the hour reminder goes.
   */
  async runReminders(now: Date): Promise<number> {
    const soon = await this.events.find({ startsAt: { $gt: now, $lte: new Date(now.getTime() + 24 * HOUR) } });
    let sent = 0;
    for (const e of soon) {
      const hourLeft = e.startsAt.getTime() - now.getTime() <= HOUR;
      const field = hourLeft ? 'remindedHour' : 'remindedDay';
      const going = await this.rsvps.find({ eventId: e._id, status: 'going', [field]: { $exists: false } });
      for (const r of going) {
        const set: Record<string, Date> = { [field]: now };
        if (hourLeft) set.remindedDay = r.remindedDay ?? now; // too late for the day-before one
        const claimed = await this.rsvps.findOneAndUpdate({ _id: r._id, [field]: { $exists: false } }, { $set: set });
        if (!claimed) continue;
        const u = await this.deps.users.byId(r.userId);
        if (!u) continue;
        const { title } = eventText(e, u.locale);
        const where = e.link ?? e.place ?? '';
        await this.deps.notifier.send(u, {
          text: [text(hourLeft ? 'events:reminder.hour' : 'events:reminder.day', { title, when: eventWhen(e, u.locale), where })],
          ...(e.link ? { buttons: [[{ label: text('events:button.join'), url: e.link }]] } : {}),
        });
        sent++;
      }
    }
    return sent;
  }

  /** Privacy (/deleteme): the person's answers go with them. */
  async forgetUser(userId: string): Promise<void> {
    const mine = await this.rsvps.find({ userId, status: 'going' });
    await this.rsvps.deleteMany({ userId });
    // Each seat they held goes to the first on that event's waiting list, as when someone cancels.
    const now = this.deps.clock.now();
    for (const r of mine) {
      await this.events.updateOne({ _id: r.eventId }, { $inc: { going: -1 } });
      const e = await this.events.findById(r.eventId);
      if (e && e.startsAt > now) await this.promote(e);
    }
  }

  /** The broadcast of an invitation (for progress controls). */
  invitationOf(e: LagEvent): Promise<Broadcast | null> {
    return e.broadcastId ? this.broadcasts.findById(e.broadcastId) : Promise.resolve(null);
  }
}
