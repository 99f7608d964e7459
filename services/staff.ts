/**
 * LAG staff: roles (admins from STAFF_TELEGRAM_IDS; staff granted by admins and tied to one LAG), the
 * permission rule (staff act only within their LAG, admins everywhere) and the audit log of staff actions.
 */
import { AuditModel, type AuditEntry } from '../models/audit.js';
import type { User } from '../models/user.js';
import type { Clock } from './clock.js';
import type { Collection, Store } from './store/port.js';
import { lag } from './territories.js';
import type { UserService } from './users.js';

export function isStaff(user: Pick<User, 'role'> | undefined | null): boolean {
  return user?.role === 'admin' || user?.role === 'staff';
}

export function isAdmin(user: Pick<User, 'role'> | undefined | null): boolean {
  return user?.role === 'admin';
}

/** Who may use the staff commands: admins, and staff tied to a LAG. */
export function hasStaffTools(user: Pick<User, 'role' | 'lagId'> | undefined | null): boolean {
  return isAdmin(user) || (user?.role === 'staff' && !!user.lagId);
}

/** Admins act everywhere; staff only inside their own LAG. */
export function canActIn(user: Pick<User, 'role' | 'lagId'>, lagId: string | undefined): boolean {
  if (user.role === 'admin') return true;
  return user.role === 'staff' && !!user.lagId && user.lagId === lagId;
}

/** The LAG a staff member's view is limited to (undefined = all, for admins). */
export function scopeOf(user: Pick<User, 'role' | 'lagId'>): string | undefined {
  return user.role === 'admin' ? undefined : user.lagId;
}

export type GrantResult =
  | { ok: true; user: User }
  | { ok: false; error: 'unknown_user' | 'unknown_lag' | 'is_admin' | 'not_staff' };

export class StaffService {
  readonly audit: Collection<AuditEntry>;

  constructor(store: Store, private readonly deps: { users: UserService; clock: Clock }) {
    this.audit = store.collection(AuditModel);
  }

  /** "123456", "@name" or "name" → a Telegram user who has started the bot. */
  async find(ref: string): Promise<User | null> {
    const s = ref.trim();
    if (/^\d{1,20}$/.test(s)) return this.deps.users.byExternal('telegram', s);
    if (/^@?[A-Za-z0-9_]{3,32}$/.test(s)) return this.deps.users.byUsername(s);
    return null;
  }

  /** Makes someone staff of a LAG (or moves a staff member to another LAG). */
  async grant(admin: User, target: User, lagId: string): Promise<GrantResult> {
    if (!lag(lagId)) return { ok: false, error: 'unknown_lag' };
    if (target.role === 'admin') return { ok: false, error: 'is_admin' };
    const user = await this.deps.users.setRole(target._id, 'staff', lagId);
    if (!user) return { ok: false, error: 'unknown_user' };
    await this.log(admin, target.role === 'staff' ? 'staff.move' : 'staff.grant', 'user', target._id, lagId);
    return { ok: true, user };
  }

  async revoke(admin: User, target: User): Promise<GrantResult> {
    if (target.role === 'admin') return { ok: false, error: 'is_admin' };
    if (target.role !== 'staff') return { ok: false, error: 'not_staff' };
    const user = await this.deps.users.setRole(target._id, 'user');
    if (!user) return { ok: false, error: 'unknown_user' };
    await this.log(admin, 'staff.revoke', 'user', target._id, target.lagId);
    return { ok: true, user };
  }

  async log(actor: User, action: string, targetType: string, targetId: string, note?: string): Promise<void> {
    await this.audit.insert({ actorId: actor._id, action, targetType, targetId, note: note?.slice(0, 1000), at: this.deps.clock.now() });
  }

  /** Latest audit entries (newest first). */
  recent(limit = 20): Promise<AuditEntry[]> {
    return this.audit.find({}, { sort: { at: -1 }, limit });
  }
}
