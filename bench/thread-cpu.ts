import { readFileSync } from 'node:fs';

/**
 * The calling thread's CPU time so far, ms: Linux's schedstat (nanoseconds on a CPU), per thread
 * where process.cpuUsage sums every thread of the process. NaN where it cannot be read.
 */
export function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}
