/** The staff permission rules every staff feature relies on (services/staff.ts). */
import { describe, expect, it } from 'vitest';
import { canActIn, hasStaffTools, scopeOf } from '../../services/staff.js';

const admin = { role: 'admin' as const, lagId: undefined };
const staffNord = { role: 'staff' as const, lagId: 'md-nord' };
const staffNoLag = { role: 'staff' as const, lagId: undefined };
const user = { role: 'user' as const, lagId: 'md-nord' };

describe('staff rules', () => {
  it('admins act in every LAG (and without one); staff only in their own; users nowhere', () => {
    expect([canActIn(admin, 'md-nord'), canActIn(admin, undefined)]).toEqual([true, true]);
    expect([canActIn(staffNord, 'md-nord'), canActIn(staffNord, 'lv-lielupe'), canActIn(staffNord, undefined)]).toEqual([true, false, false]);
    expect([canActIn(staffNoLag, undefined), canActIn(user, 'md-nord')]).toEqual([false, false]);
  });

  it('staff tools need an admin or staff tied to a LAG; the view is the LAG (admins: all)', () => {
    expect([admin, staffNord, staffNoLag, user].map(hasStaffTools)).toEqual([true, true, false, false]);
    expect([scopeOf(admin), scopeOf(staffNord)]).toEqual([undefined, 'md-nord']);
  });
});
