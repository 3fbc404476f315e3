/**
 * V8 compiler settings for the analysis's code, set from inside the process (a library cannot rely on
 * its host's command line). Same results whatever the flags (the machine code differs, not the
 * arithmetic); what changes is how much CPU goes to compiling it.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Compiles made cheaper and fewer: no loop peeling (a copy of each loop's first iteration, in
 * loop-heavy functions), and functions optimised after about four times V8's default budget of
 * bytecode run (132 KB): fewer compiles of functions only warm, and of hot ones before their type
 * feedback settles. TurboFan took 8.0 CPU s of a one-worker 100 MP detect (perf), 17.1 s of a
 * two-worker one (every worker compiles all the analysis's code again; JIT-compiled code ran 21.9 and
 * 22.0 s in both), and 2.6 of 4.6 s at 4 MP. 100 MP detect on a two-worker pool (bench/stage-cpu.ts,
 * load ~30) 49.1, 47.9 → 42.4, 43.5 CPU s; a 4 MP analysis in one thread (bench/analysis-cpu.ts, load
 * ~25, alternating) 11.9, 10.5, 10.5 → 9.6, 9.0, 9.3 CPU s. V8 reads both when it next compiles or
 * tiers a function, so they take effect in threads already running too (set from here, that 4 MP
 * analysis gained as much as with the flags on node's command line: 10.5, 10.4, 10.6 → 9.0, 9.1, 9.0).
 *
 * And every function given baseline machine code (Sparkplug) on its first call instead of running
 * interpreted until it warms: with the budget above, a cold thread runs each hot function's bytecode
 * for long, and Sparkplug's code is a cheap translation of it (no optimisation, no deopts). A thread's
 * first 25 MP detect is ~3 CPU s dearer than its second (9.1 → 6.1–6.7, stage-cpu --runs 3): warm-up,
 * which every pool worker pays again. 25 MP detect in one thread, alternating, load 15–20: 8.94, 8.88,
 * 9.09, 9.00 → 8.22, 8.45, 8.69, 8.98 CPU s (flag on the command line); 100 MP detect on a
 * two-worker pool 30.99, 31.03 → 30.27, 30.33. Same arithmetic: the digests did not move.
 */
const LEAN = ['--no-turbo-loop-peeling', '--interrupt-budget=528000', '--always-sparkplug'];

/**
 * Workers compile their hot loops in their own thread, not on V8's background compiler threads. A
 * pool keeps every core busy, so a background compile waits its turn while the worker runs the same
 * loops unoptimised meanwhile. The 100 MP bench on a quiet machine, back to back: 110.1 CPU s (57.8 s
 * wall) without the flag, 95.9 CPU s (50.7 s) with it. V8 reads the flag when an isolate starts:
 * threads started before (this one) keep their background compilers.
 */
const IN_THREAD = ['--no-concurrent-recompilation'];

const set = new Set<string>();
const apply = (flags: string[]) => {
  for (const flag of flags) {
    if (set.has(flag)) continue;
    setFlagsFromString(flag);
    set.add(flag);
  }
};

/** Before the analysis's code runs hot: its compiles, in this thread and any other, lean (see `LEAN`). */
export function compileLean(): void {
  apply(LEAN);
}

/** Before analysis workers start (a pool's, the job runner's): lean compiles, each in its worker's own thread (`IN_THREAD`). */
export function compileForWorkers(): void {
  apply([...LEAN, ...IN_THREAD]);
}
