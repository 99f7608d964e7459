/**
 * MongoDB for the test suite when MONGODB_URI is set (the GitHub workflow's mongo:7 service): every test app
 * gets a database of its own (parallel test files never share data), dropped when it closes. Unset (the
 * default, and on these machines): tests run on the embedded engine.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

let counter = 0;

/** A URI for a fresh database on the MONGODB_URI server, or undefined when MONGODB_URI is unset. */
export function testMongoUri(base = process.env.MONGODB_URI): string | undefined {
  if (!base) return undefined;
  const m = base.match(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/);
  if (!m) throw new Error('MONGODB_URI is not a mongodb:// or mongodb+srv:// URI');
  const db = `lagtest_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  return `${m[1]}/${db}${m[2] ?? ''}`;
}

/** Drops the database a test URI names (nothing to do for undefined). */
export async function dropTestDatabase(uri: string | undefined): Promise<void> {
  if (!uri) return;
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}
