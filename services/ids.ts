import { randomBytes } from 'node:crypto';

/** A random, URL-safe, unguessable id (96 bits). */
export function newId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}
