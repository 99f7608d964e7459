/**
 * STAFF_TELEGRAM_IDS is the truth at every start: admins whose Telegram id is no longer listed lose the admin
 * role (written to the audit log, actor "system"), listed people who already use the bot become admins, and
 * the remaining admins are told in their own language who lost the role.
 */
import type { Logger } from 'pino';
import type { User } from '../models/user.js';
import type { Clock } from './clock.js';
import { text, type Notifier } from './messages.js';
import type { StaffService } from './staff.js';
import type { UserService } from './users.js';

/** The audit log's actor for changes made by the bot itself (from configuration). */
export const SYSTEM_ACTOR = 'system';

export interface AdminSync {
  removed: User[];
  added: User[];
}

function displayName(u: User): string {
  return u.username ? `@${u.username}` : (u.firstName ?? u.externalId);
}

export async function syncAdmins(
  deps: { users: UserService; staff: StaffService; notifier: Notifier; clock: Clock; log: Pick<Logger, 'info' | 'warn'> },
  adminIds: readonly string[],
): Promise<AdminSync> {
  const listed = new Set(adminIds);
  const audit = (action: string, u: User) => deps.staff.audit.insert({
    actorId: SYSTEM_ACTOR, action, targetType: 'user', targetId: u._id, note: 'STAFF_TELEGRAM_IDS', at: deps.clock.now(),
  });
  const removed: User[] = [];
  for (const admin of await deps.users.users.find({ role: 'admin' })) {
    if (admin.channel === 'telegram' && listed.has(admin.externalId)) continue;
    await deps.users.setRole(admin._id, 'user');
    await audit('admin.revoke', admin);
    removed.push(admin);
  }
  const added: User[] = [];
  for (const id of listed) {
    const u = await deps.users.byExternal('telegram', id);
    if (!u || u.role === 'admin') continue;
    await deps.users.setRole(u._id, 'admin');
    await audit('admin.grant', u);
    added.push(u);
  }
  if (removed.length || added.length) {
    deps.log.info({ removed: removed.map((u) => u.externalId), added: added.map((u) => u.externalId) }, 'admins follow STAFF_TELEGRAM_IDS');
  }
  if (removed.length) {
    for (const admin of await deps.users.users.find({ role: 'admin' })) {
      for (const r of removed) {
        const outcome = await deps.notifier.send(admin, { text: [text('security:admins.removed', { name: displayName(r), id: r.externalId })] });
        if (outcome.status !== 'sent') deps.log.warn({ admin: admin.externalId, status: outcome.status }, 'admin not told about a removed admin');
      }
    }
  }
  return { removed, added };
}
