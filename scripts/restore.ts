/**
 * npm run restore -- <file>: puts a backup made by `npm run backup` back into DATA_DIR. Refuses while a bot
 * runs on that DATA_DIR; the replaced store is kept beside it (store.sqlite.before-restore-<time>).
 * With MONGODB_URI set, use mongorestore instead (see the README).
 */
import 'dotenv/config';
import { mkdirSync } from 'node:fs';
import { restoreEmbedded } from '../services/store/backup.js';

const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run restore -- <file>   (stop the bot first)');
  process.exit(2);
}
if (process.env.MONGODB_URI) {
  console.error('MONGODB_URI is set: restore MongoDB with mongorestore, e.g.\n  mongorestore --uri "$MONGODB_URI" --archive=lag.archive --gzip --drop');
  process.exit(2);
}
const dataDir = process.env.DATA_DIR || './data';
try {
  mkdirSync(dataDir, { recursive: true });
  const { keptAs } = restoreEmbedded(dataDir, file);
  console.log(`restored ${file} into ${dataDir}${keptAs ? `; the previous store is kept as ${keptAs}` : ''}`);
} catch (err) {
  console.error(`restore refused: ${(err as Error).message}`);
  process.exit(1);
}
