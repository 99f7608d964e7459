/**
 * AES-256-GCM for secrets we must keep (catalog access tokens). The key (SECRETS_KEY) is 32 bytes given as
 * 64 hex characters or base64; without it nothing is encrypted and direct push stays off.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export function parseSecretsKey(input: string): Buffer | null {
  const s = input.trim();
  if (/^[0-9a-f]{64}$/i.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  return null;
}

/** The secret was sealed with another key (SECRETS_KEY changed since): it cannot be opened any more. */
export class SecretKeyMismatch extends Error {
  constructor() {
    super('sealed with a different SECRETS_KEY');
    this.name = 'SecretKeyMismatch';
  }
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: string | Buffer) {
    const k = typeof key === 'string' ? parseSecretsKey(key) : key;
    if (!k || k.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes: 64 hex characters or 44 base64 characters');
    this.key = k;
  }

  /** "v1.<iv>.<tag>.<ciphertext>" in base64url. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** Throws SecretKeyMismatch when the text was sealed with another key (or altered), Error when malformed. */
  open(sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('not a sealed secret');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    } catch {
      // GCM authentication failed: with an intact record this means the key is not the one it was sealed with.
      throw new SecretKeyMismatch();
    }
  }
}
