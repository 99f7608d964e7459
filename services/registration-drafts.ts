/**
 * Registration drafts: every answer of /register is kept in the store per user, so leaving the flow (a
 * command, a restart, a day away) loses nothing and /register continues at the first unanswered question.
 */
import { ListingModel } from '../models/listing.js';
import type { ListingDraft, ListingField } from './directory.js';
import type { Store } from './store/port.js';

export interface RegistrationDraft {
  /** The answers so far. */
  answers: Partial<ListingDraft>;
  /** Fields answered (including optional ones skipped), in the order they were asked. */
  done: ListingField[];
  updatedAt: string;
}

const NS = 'registration-drafts';

export class RegistrationDrafts {
  constructor(private readonly store: Store) {}

  private get kv() {
    return this.store.kv<RegistrationDraft>(NS);
  }

  async load(userId: string): Promise<RegistrationDraft | null> {
    return (await this.kv.read(userId)) ?? null;
  }

  /** Saves the answers; a logo the new answers replaced (or cleared) is deleted with its public URL. */
  async save(userId: string, answers: Partial<ListingDraft>, done: ListingField[]): Promise<void> {
    const before = await this.kv.read(userId);
    await this.kv.write(userId, { answers, done: [...new Set(done)], updatedAt: new Date().toISOString() });
    const old = before?.answers.logoId;
    if (old && old !== answers.logoId) await this.dropLogo(userId, old);
  }

  /**
   * Gone after submitting, after "Start over", and with the user's other data (/deleteme) — with the draft's
   * logo, unless a listing uses it (after submitting, the listing's logo is the draft's).
   */
  async remove(userId: string): Promise<void> {
    const before = await this.kv.read(userId);
    await this.kv.delete(userId);
    if (before?.answers.logoId) await this.dropLogo(userId, before.answers.logoId);
  }

  /** Deletes an uploaded logo no listing uses (only the drafter's own listing can have taken it). */
  private async dropLogo(userId: string, blobId: string): Promise<void> {
    if (await this.store.collection(ListingModel).findOne({ ownerId: userId, logoId: blobId })) return;
    await this.store.blobs.delete(blobId);
  }
}
