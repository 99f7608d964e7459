/**
 * Connects the change feed to the services: this instance's own changes (domain events, offer changes) are
 * appended to the log, and changes read from other instances refresh the search index, the matching index and
 * the cached published count. Notifications, Meta catalog pushes and match records are NOT repeated: the
 * instance that made the change did those (they are not index work).
 */
import type { Services } from '../app.js';
import { ChangeFeed, type ChangeConsumer, type ChangeKind } from './feed.js';

export function indexConsumer(services: Pick<Services, 'search' | 'matching' | 'directory'>): ChangeConsumer {
  return {
    async apply(kind: ChangeKind, ref: string) {
      if (kind === 'offer') return services.matching.refreshOffer(ref);
      if (kind === 'listing') services.directory.forgetPublishedCount();
      await services.search.reindexById(ref);
    },
    async resync() {
      services.directory.forgetPublishedCount();
      await services.search.resync();
      await services.matching.resync();
    },
  };
}

/** Records this instance's changes in the log (failures are logged: the others then catch up at a resync). */
export function recordChanges(services: Pick<Services, 'events' | 'offers' | 'log'>, feed: ChangeFeed): void {
  const record = (kind: ChangeKind, ref: string) => {
    void feed.record(kind, ref).catch((err) => services.log.error({ err: String(err), kind, ref }, 'change not recorded in the change log; other instances show the old state until it changes again or they resync'));
  };
  services.events.on('listing.changed', (l) => record('listing', l._id));
  services.events.on('listing.deleted', (id) => record('listing', id));
  services.events.on('listing.products_changed', (id) => record('listing.products', id));
  services.offers.onChange(async (o) => record('offer', o._id));
}
