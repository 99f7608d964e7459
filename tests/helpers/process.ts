/** Runs the real bot (bot/main.ts) as a child process, so tests and benchmarks can kill -9 it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface BotProcess {
  child: ChildProcess;
  /** Resolves with the exit code / signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** kill -9: no shutdown code runs. */
  kill9(): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
  output(): string;
  /** Resolves with the first match of `pattern` in the output (the bot logs "telegram long polling" when ready). */
  ready(pattern?: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** The log line the bot prints once it serves updates (polling or webhook). */
export const READY = /"msg":"telegram (long polling|webhook mode)"/;

/** `outputLimit`: how much of the latest output is kept (a long benchmark must not grow it without end). */
/**
 * `nodeArgs`: extra Node options before the entry (e.g. another `--import` for a benchmark probe); `args`: the
 * program's own arguments. Compiled JavaScript (dist/…/main.js) runs on plain node, as in production.
 */
export function startBotProcess(env: Record<string, string>, entry = 'bot/main.ts', outputLimit = 20_000, nodeArgs: string[] = [], args: string[] = []): BotProcess {
  const child = spawn(process.execPath, [...(entry.endsWith('.js') ? [] : ['--import', 'tsx']), ...nodeArgs, entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + String(d)).slice(-outputLimit)));
  child.stderr?.on('data', (d) => (out = (out + String(d)).slice(-outputLimit)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    output: () => out,
    ready(pattern = READY, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`not ready in ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (m) done(undefined, m);
        };
        const onExit = () => done(new Error(`exited before ready:\n${out}`));
        const done = (err?: Error, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          child.off('exit', onExit);
          if (err) reject(err);
          else resolve(m!);
        };
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}
