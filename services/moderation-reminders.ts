/**
 * The daily nudge to LAG staff: listings and offers that have waited for a decision for more than 24 hours.
 * Staff hear about their own LAG only; admins get one line per LAG. Run by the scheduler once a day, under
 * its lease (held for most of a day after a run), so restarts and several instances send it once.
 */
import type { User } from '../models/user.js';
import type { DirectoryService } from './directory.js';
import { text, type Notifier, type Text } from './messages.js';
import type { OffersService } from './offers.js';
import type { UserService } from './users.js';

export const MODERATION_REMINDER_JOB = 'moderation.reminder';
const DAY = 24 * 3600_000;

interface Waiting {
  listings: number;
  offers: number;
  oldest: Date;
}

export class ModerationReminders {
  constructor(private readonly deps: {
    directory: Pick<DirectoryService, 'pending'>;
    offers: Pick<OffersService, 'pending'>;
    users: Pick<UserService, 'staff'>;
    notifier: Notifier;
  }) {}

  /** What has waited over 24 h at `now`, by LAG. */
  async overdue(now: Date): Promise<Map<string, Waiting>> {
    const cutoff = now.getTime() - DAY;
    const byLag = new Map<string, Waiting>();
    const add = (lagId: string, at: Date, kind: 'listings' | 'offers') => {
      if (at.getTime() > cutoff) return;
      const w = byLag.get(lagId) ?? { listings: 0, offers: 0, oldest: at };
      w[kind]++;
      if (at < w.oldest) w.oldest = at;
      byLag.set(lagId, w);
    };
    for (const l of await this.deps.directory.pending()) add(l.lagId, new Date(l.submittedAt ?? l.createdAt), 'listings');
    for (const o of await this.deps.offers.pending()) add(o.lagId, new Date(o.submittedAt ?? o.createdAt), 'offers');
    return byLag;
  }

  /** Sends the reminders; returns how many people were told. */
  async run(now: Date): Promise<number> {
    const byLag = await this.overdue(now);
    if (byLag.size === 0) return 0;
    const line = (lagId: string, w: Waiting): Text => text('staff:reminder.line', {
      lag: text(`territory:lag.${lagId}`),
      listings: text('staff:queue.listings', { count: w.listings }),
      offers: text('staff:queue.offers', { count: w.offers }),
      oldest: text('staff:reminder.days', { count: Math.floor((now.getTime() - w.oldest.getTime()) / DAY) }),
    });
    const everyone = await this.deps.users.staff();
    let told = 0;
    const tell = async (u: User, lines: Text[]) => {
      const outcome = await this.deps.notifier.send(u, { text: [text('staff:reminder.head'), ...lines, text('staff:reminder.foot')] });
      if (outcome.status === 'sent') told++;
    };
    for (const u of everyone) {
      if (u.role === 'admin') await tell(u, [...byLag].map(([lagId, w]) => line(lagId, w)));
      else if (u.lagId && byLag.has(u.lagId)) await tell(u, [line(u.lagId, byLag.get(u.lagId)!)]);
    }
    return told;
  }
}
