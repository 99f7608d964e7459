/**
 * Which (kind, partnership type) pairs complement each other. The rule of the Enterprise Europe Network
 * is "an offer meets a request of the same type"; a few cross-type pairs are added where both sides
 * plainly want the same deal (a buyer looking for suppliers meets a producer looking for buyers).
 */
import type { OfferKind, PartnershipType } from '../../models/offer.js';
import { PARTNERSHIP_TYPES } from '../../models/offer.js';

export type Side = `${OfferKind}:${PartnershipType}`;

export const side = (kind: OfferKind, type: PartnershipType): Side => `${kind}:${type}`;

/** Cross-type and symmetric pairs, each listed once; weight 1 = as good as offer↔request of one type. */
export const EXTRA_PAIRS: [Side, Side, number][] = [
  // A buyer seeks suppliers; a producer seeks buyers/distributors.
  ['request:supplier', 'request:buyer_distribution', 0.8],
  // A distributor/buyer offers to buy; a supplier offers to supply.
  ['offer:buyer_distribution', 'offer:supplier', 0.8],
  // Someone needs manufacturing ↔ someone can supply/produce; and the other way round.
  ['request:production_outsourcing', 'offer:supplier', 0.6],
  ['offer:production_outsourcing', 'request:supplier', 0.6],
  // Export/import partners and distributors.
  ['request:buyer_distribution', 'offer:export_import', 0.7],
  ['request:export_import', 'offer:buyer_distribution', 0.7],
  // Both looking for the same thing from each other.
  ['request:export_import', 'request:export_import', 0.7],
  ['request:joint_project_event', 'request:joint_project_event', 0.7],
  ['request:tourism_study_visits', 'offer:tourism_study_visits', 1],
];

const table = new Map<Side, Map<Side, number>>();
function add(a: Side, b: Side, w: number): void {
  if (!table.has(a)) table.set(a, new Map());
  if (!table.has(b)) table.set(b, new Map());
  table.get(a)!.set(b, Math.max(w, table.get(a)!.get(b) ?? 0));
  table.get(b)!.set(a, Math.max(w, table.get(b)!.get(a) ?? 0));
}
for (const t of PARTNERSHIP_TYPES) add(side('offer', t), side('request', t), 1);
for (const [a, b, w] of EXTRA_PAIRS) add(a, b, w);

/** The sides that complement `s`, with their weight (0–1]. */
export function complementsOf(s: Side): ReadonlyMap<Side, number> {
  return table.get(s) ?? new Map();
}

export function complementWeight(a: Side, b: Side): number {
  return table.get(a)?.get(b) ?? 0;
}
