/**
 * Write health of a store. A write that fails because the disk is full, read-only or failing turns the store
 * unhealthy (reported by /healthz with the reason, logged at error once per episode) and the caller gets a
 * StoreUnavailable error, never a false success; the next write that succeeds makes it healthy again.
 */
import { StoreUnavailable, type StoreHealth } from './port.js';

/** SQLite result codes that mean "the storage cannot take writes now" (as opposed to a bug or a bad query). */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM|CORRUPT|NOTADB|PROTOCOL)/;
const FS_CODES = new Set(['ENOSPC', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EDQUOT', 'EMFILE', 'ENFILE']);

const REASONS: Record<string, string> = {
  SQLITE_FULL: 'disk full', ENOSPC: 'disk full', EDQUOT: 'disk quota exceeded',
  SQLITE_READONLY: 'storage is read-only', EROFS: 'storage is read-only', EACCES: 'no write permission', EPERM: 'no write permission',
  SQLITE_IOERR: 'I/O error', EIO: 'I/O error', SQLITE_BUSY: 'database busy', SQLITE_LOCKED: 'database locked',
  SQLITE_CORRUPT: 'database file corrupt', SQLITE_NOTADB: 'database file corrupt',
};

/** The storage-failure code of an error (SQLite or file system), or null for any other error. */
export function storageFailureCode(err: unknown): string | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  if (STORAGE_CODES.test(code) || FS_CODES.has(code)) return code;
  return null;
}

export function describeStorageFailure(code: string): string {
  const base = Object.keys(REASONS).find((k) => code === k || code.startsWith(`${k}_`));
  return base ? `${REASONS[base]} (${code})` : code;
}

export interface HealthLog {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export class HealthState {
  private failure: { reason: string; since: Date } | null = null;

  constructor(private readonly log?: HealthLog) {}

  get current(): StoreHealth {
    return this.failure ? { ok: false, reason: this.failure.reason, since: this.failure.since } : { ok: true };
  }

  /** A write succeeded. */
  ok(): void {
    if (!this.failure) return;
    this.log?.info({ after: this.failure.reason, since: this.failure.since }, 'store writes work again');
    this.failure = null;
  }

  /** A write failed: a storage failure becomes StoreUnavailable (logged once per episode); anything else is rethrown. */
  fail(err: unknown, what: string): Error {
    const code = storageFailureCode(err);
    return code ? this.unavailable(describeStorageFailure(code), err, what) : err as Error;
  }

  /** Records an episode of unavailability with its reason and returns the error for the caller. */
  unavailable(reason: string, err: unknown, what: string): StoreUnavailable {
    if (!this.failure) {
      this.failure = { reason, since: new Date() };
      this.log?.error({ err: String((err as Error)?.message ?? err), code: (err as { code?: unknown })?.code, what }, `store cannot write: ${reason}`);
    }
    return new StoreUnavailable(reason, { cause: err });
  }
}
