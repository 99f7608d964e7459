/**
 * npm run backup -- <file>: a consistent snapshot of the embedded store (documents, indexes, photos) in one
 * file, taken while the bot runs. With MONGODB_URI set, use mongodump instead (see the README).
 */
import 'dotenv/config';
import { backupEmbedded } from '../services/store/backup.js';

const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run backup -- <file>   (e.g. npm run backup -- backups/lag-2026-12-01.sqlite)');
  process.exit(2);
}
if (process.env.MONGODB_URI) {
  console.error('MONGODB_URI is set: back up MongoDB with mongodump, e.g.\n  mongodump --uri "$MONGODB_URI" --archive=lag.archive --gzip');
  process.exit(2);
}
const dataDir = process.env.DATA_DIR || './data';
try {
  const { bytes, ms } = backupEmbedded(dataDir, file);
  console.log(`backup of ${dataDir} written to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB in ${ms} ms)`);
} catch (err) {
  console.error(`backup failed: ${(err as Error).message}`);
  process.exit(1);
}
