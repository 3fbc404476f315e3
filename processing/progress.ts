/** Progress plumbing: map a stage's own 0..1 onto its slice of the whole job. */
import type { Progress } from './types.ts';

export function scaled(onProgress: Progress | undefined, from: number, to: number): Progress | undefined {
  if (!onProgress) return undefined;
  return (fraction, stage) => onProgress(from + (to - from) * Math.min(1, Math.max(0, fraction)), stage);
}
