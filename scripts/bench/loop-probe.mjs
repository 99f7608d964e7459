/**
 * Preloaded into a bot process by the benchmarks (`--import`): prints the event loop's largest delay of
 * each second as `LOOP_MAX_MS=<ms>`, so a benchmark can measure any version of the bot from outside.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
setInterval(() => {
  process.stdout.write(`LOOP_MAX_MS=${(h.max / 1e6).toFixed(1)}\n`);
  h.reset();
}, 1000).unref();
