// Summary statistics of timing samples (milliseconds).
export interface Timing {
  n: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
}

export function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { n: sorted.length, median: round(median), p95: round(at(0.95)), p99: round(at(0.99)), min: round(sorted[0] ?? NaN) };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Two calls timed in pairs after a warm-up of two pairs, so both see the same machine load; with
 * `swapEachPair` the second of each pair goes first every other time (neither always follows the
 * other). The samples of each side, in order.
 */
export async function pairedSamples(
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
  iterations: number,
  options: { swapEachPair?: boolean; onStep?: () => void } = {},
): Promise<[number[], number[]]> {
  for (let i = 0; i < 2; i++) {
    await first();
    await second();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < iterations; i++) {
    if (options.swapEachPair && i % 2 === 1) {
      b.push(await timeIt(second));
      a.push(await timeIt(first));
    } else {
      a.push(await timeIt(first));
      b.push(await timeIt(second));
    }
    options.onStep?.();
  }
  return [a, b];
}

/**
 * Runs raw and mv alternately (raw, mv, raw, mv …) after warm-up, so both see the same machine
 * load; returns both timings and the ratio of their medians.
 */
export async function interleaved(
  raw: () => Promise<unknown>,
  mv: () => Promise<unknown>,
  iterations: number,
  onStep?: () => void,
): Promise<{ raw: Timing; mv: Timing; ratio: number }> {
  const [rawSamples, mvSamples] = await pairedSamples(raw, mv, iterations, { onStep });
  const rawTiming = summarize(rawSamples);
  const mvTiming = summarize(mvSamples);
  return { raw: rawTiming, mv: mvTiming, ratio: round(rawTiming.median / mvTiming.median, 1) };
}

/**
 * One path on its own, back to back, after the interleaved pairs: the views' latency when nothing
 * between two requests evicts their pages from shared_buffers (a raw scan of a big table does).
 */
export async function alone(fn: () => Promise<unknown>, iterations: number): Promise<Timing> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push(await timeIt(fn));
  return summarize(samples);
}

/**
 * Runs a dashboard call, counting (not failing on) a read stopped by the dashboard functions'
 * statement_timeout: raw reads of a year at 10M events come near the 10 s limit on this machine,
 * and the limit answering is the product working as designed. Its time is the limit.
 */
export function tolerateTimeouts<T>(fn: () => Promise<T>): { call: () => Promise<T | undefined>; timeouts: () => number } {
  let count = 0;
  return {
    call: async () => {
      try {
        return await fn();
      } catch (error) {
        if (error instanceof Error && /took too long/.test(error.message)) {
          count += 1;
          return undefined;
        }
        throw error;
      }
    },
    timeouts: () => count,
  };
}
