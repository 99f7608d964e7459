/**
 * The embedded engine across processes: kill -9 in the middle of writes loses nothing acknowledged and the
 * store opens again; a second process on the same DATA_DIR is refused with a clear message (and is let in
 * once the first one is gone, even after kill -9); a backup taken under write load restores to a working store,
 * and restore refuses while a process holds DATA_DIR.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../services/store/embedded.js';
import { DataDirLocked } from '../../services/store/lock.js';
import { tempDir } from '../helpers/app.js';
import { ROOT, startBotProcess, type BotProcess } from '../helpers/process.js';
import { WrittenModel } from './fixtures/writer-model.js';

const run = promisify(execFile);
const WRITER = 'tests/store/fixtures/writer.ts';
const children: BotProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill9();
});

function writer(dataDir: string, round = 0): BotProcess {
  const p = startBotProcess({ DATA_DIR: dataDir, WRITER_ROUND: String(round) }, WRITER, 5_000_000);
  children.push(p);
  return p;
}

function acked(p: BotProcess): number[] {
  return [...p.output().matchAll(/ack (\d+)/g)].map((m) => Number(m[1]));
}

async function waitForAcks(p: BotProcess, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (acked(p).length < n) {
    if (Date.now() > deadline) throw new Error(`writer did not acknowledge ${n} writes:\n${p.output()}`);
    if (p.child.exitCode !== null) throw new Error(`writer exited:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function script(name: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join('scripts', name), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('embedded engine across processes', () => {
  it('kill -9 during writes loses no acknowledged write; a second process is refused until the first is gone', { timeout: 120_000 }, async () => {
    const dir = tempDir('proc-kill-');
    const first = writer(dir);
    await waitForAcks(first, 200);

    // A second process on the same DATA_DIR: a clear refusal naming the running one.
    const second = writer(dir, 1);
    expect((await second.exited).code).toBe(3);
    expect(second.output()).toMatch(/refused: DATA_DIR .* is in use by another running bot \(pid \d+/);
    expect(await new EmbeddedStore(dir).init().catch((e) => e)).toBeInstanceOf(DataDirLocked);

    await first.kill9();
    const acknowledged = acked(first);
    // The kernel released the lock with the process: the store opens, with every acknowledged write in it.
    const store = new EmbeddedStore(dir);
    await store.init();
    try {
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((await store.collection(WrittenModel).find({})).map((d) => d.n));
      expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
      expect((await store.kv<{ n: number }>('progress').read('last'))!.n).toBeGreaterThanOrEqual(Math.max(...acknowledged));
      // And it takes writes again (unique index intact).
      await store.collection(WrittenModel).insert({ n: -1, text: 'after the crash' });
      expect(await store.collection(WrittenModel).count({ n: -1 })).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('a backup taken under write load restores to a working store; restore refuses while a process holds DATA_DIR', { timeout: 180_000 }, async () => {
    const dir = tempDir('proc-backup-');
    const w = writer(dir);
    await waitForAcks(w, 100);
    const file = join(tempDir('proc-backup-file-'), 'snapshot.sqlite');
    const backup = await script('backup.ts', [file], { DATA_DIR: dir });
    expect(backup.out).toMatch(/backup of .* written to/);
    expect(backup.code).toBe(0);
    // The writer went on writing during and after the snapshot.
    await waitForAcks(w, acked(w).length + 50);

    const refused = await script('restore.ts', [file], { DATA_DIR: dir });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/restore refused: DATA_DIR .* is in use by another running bot/);
    await w.kill9();

    const target = tempDir('proc-restore-');
    const restored = await script('restore.ts', [file], { DATA_DIR: target });
    expect(restored.out).toMatch(/restored .* into/);
    const store = new EmbeddedStore(target);
    await store.init();
    try {
      const ns = (await store.collection(WrittenModel).find({}, { sort: { n: 1 } })).map((d) => d.n);
      // A consistent snapshot: a gap-free prefix of the writes (each insert is one transaction).
      expect(ns.length).toBeGreaterThanOrEqual(100);
      expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => i + ns[0]));
      expect(ns.length).toBeLessThan(acked(w).length);
      await store.collection(WrittenModel).insert({ n: -5, text: 'restored store takes writes' });
    } finally {
      await store.close();
    }
    expect((await script('restore.ts', [join(target, 'nope.sqlite')], { DATA_DIR: target })).out).toMatch(/cannot be opened as a backup/);
  });
});
