/**
 * Registration drafts: every answer of /register is kept in the store per user, so leaving the flow (a
 * command, a restart, a day away) loses nothing and /register continues at the first unanswered question.
 */
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

  async save(userId: string, answers: Partial<ListingDraft>, done: ListingField[]): Promise<void> {
    await this.kv.write(userId, { answers, done: [...new Set(done)], updatedAt: new Date().toISOString() });
  }

  /** Gone after submitting, after "Start over", and with the user's other data (/deleteme). */
  async remove(userId: string): Promise<void> {
    await this.kv.delete(userId);
  }
}
