/**
 * CPU seconds of the survey's reads alone: both dates' strips read registered and normalised
 * (`readBoth` through a kernel ReadScratch, the windows `surveyStrip` reads), on a stage-cpu work
 * folder, with a digest of the planes read (proof a faster read kernel reads the same values), per date:
 * `previous` is the read the date before's own survey already made as its `current`.
 * With --persisted DIR, the price of not making it again: the previous date's planes (own and normalised
 * float32, plane-major) are written once to DIR and read back strip by strip as the survey would read
 * them, with their bytes on disk, the read-back CPU and wall seconds, and the digest of what was read
 * back (equal to the computed planes' when the round trip is exact).
 *   npx tsx bench/read-cpu.ts --work /tmp/bw-cpu-2048 [--runs K] [--margin M] [--persisted DIR [--layout planes|strips]]
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync, readvSync, writeSync, writevSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ReadScratch } from '../processing/analysis-raster.ts';
import { compileLean } from '../processing/compiler-flags.ts';
import { openPrepared } from '../processing/prepared.ts';
import { stripRows, stripStarts } from '../processing/survey.ts';
import type { Block, Grid, Window } from '../processing/types.ts';
import { cpuSeconds } from './cpu-seconds.ts';

const { values } = parseArgs({
  options: {
    work: { type: 'string' },
    runs: { type: 'string' },
    margin: { type: 'string' },
    persisted: { type: 'string' },
    layout: { type: 'string' },
  },
});
const work = values.work ?? '/tmp/bw-cpu-2048';
const runs = Number(values.runs ?? 1);
const margin = Number(values.margin ?? 32);
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;
const names = ['current', 'previous'] as const;
const dates = [await openPrepared(join(work, 'c')), await openPrepared(join(work, 'b'))];
compileLean();

/** The survey's strips: each one's outer window and its core rows' pixel range [a, b) within it. */
const strips = stripStarts(grid).map((y0) => {
  const top = Math.max(0, y0 - margin);
  const bottom = Math.min(grid.height, y0 + stripRows(grid) + margin);
  const outer: Window = { x: 0, y: top, width: grid.width, height: bottom - top };
  const a = (y0 - top) * grid.width;
  return { outer, a, b: a + Math.min(stripRows(grid), grid.height - y0) * grid.width };
});

/** The core rows of a strip's planes and validity into `digest`: each row once. */
function digestCore(digest: Hash, planes: Float32Array[], valid: Uint8Array, a: number, b: number): void {
  for (const p of planes) digest.update(new Uint8Array(p.buffer, p.byteOffset + 4 * a, 4 * (b - a)));
  digest.update(valid.subarray(a, b));
}

const planesOf = (own: Block, normalized: Block) => [...own.bands, ...normalized.bands];

for (let run = 0; run < runs; run++) {
  const digests = dates.map(() => createHash('sha256'));
  const seconds = dates.map(() => 0);
  const scratches = dates.map(() => new ReadScratch({ kernel: true }));
  for (const { outer, a, b } of strips) {
    for (const [i, date] of dates.entries()) {
      const c0 = cpuSeconds();
      const { own, normalized } = await date.readBoth(outer, scratches[i]);
      seconds[i]! += cpuSeconds() - c0;
      digestCore(digests[i]!, planesOf(own, normalized), own.valid, a, b);
    }
  }
  for (const s of scratches) s.release();
  const parts = names.map((name, i) => `${name} ${seconds[i]!.toFixed(2)} (${digests[i]!.digest('hex').slice(0, 16)})`);
  console.log(
    `read ${grid.width}×${grid.height}: ${(seconds[0]! + seconds[1]!).toFixed(2)} CPU s; per date CPU s (planes digest): ${parts.join(', ')}`,
  );
}

if (values.persisted) await persistedRoundTrip(values.persisted, values.layout ?? 'planes');

/**
 * Writes the previous date's planes as the survey computes them and reads them back in the survey's
 * strips: what persisting them would cost and save. Layout `planes`: the core rows, plane-major (each
 * plane whole, then validity; a strip's read is one read per plane, margins included). Layout `strips`:
 * per strip, its whole window (margins repeated) as one record of planes and validity, written and read
 * with one vectored call: sequential on disk, the cheapest to write.
 */
async function persistedRoundTrip(dir: string, layout: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'previous-planes.bin');
  const n = grid.width * grid.height;
  const records = layout === 'strips';
  const scratch = new ReadScratch({ kernel: true });
  let count = 0;
  let writeSeconds = 0;
  /** With `strips`, where each strip's record starts. */
  const recordAt: number[] = [];
  let end = 0;
  const fd = openSync(file, 'w');
  try {
    for (const { outer, a, b } of strips) {
      const { own, normalized } = await dates[1]!.readBoth(outer, scratch);
      const planes = planesOf(own, normalized);
      count = planes.length;
      const c0 = cpuSeconds();
      if (records) {
        recordAt.push(end);
        const parts = [...planes.map((p) => new Uint8Array(p.buffer, p.byteOffset, 4 * p.length)), own.valid];
        end += writevSync(fd, parts, end);
      } else {
        const at = outer.y * grid.width + a;
        for (const [k, p] of planes.entries()) writeSync(fd, p.subarray(a, b), 0, 4 * (b - a), 4 * (k * n + at));
        writeSync(fd, own.valid.subarray(a, b), 0, b - a, 4 * count * n + at);
      }
      writeSeconds += cpuSeconds() - c0;
    }
  } finally {
    closeSync(fd);
    scratch.release();
  }
  const bytes = records ? end : (4 * count + 1) * n;
  console.log(
    `previous written (${layout}): ${(bytes / 1e6).toFixed(0)} MB (${(bytes / n).toFixed(1)} B/px), ${writeSeconds.toFixed(2)} CPU s (writes alone)`,
  );
  const tallest = Math.max(...strips.map((s) => s.outer.height));
  const planes = Array.from({ length: count }, () => new Float32Array(tallest * grid.width));
  const valid = new Uint8Array(planes[0]!.length);
  for (let run = 0; run < runs; run++) {
    const digest = createHash('sha256');
    let seconds = 0;
    let wall = 0;
    const rd = openSync(file, 'r');
    try {
      for (const [s, { outer, a, b }] of strips.entries()) {
        const c0 = cpuSeconds();
        const t0 = performance.now();
        const m = outer.height * grid.width;
        const at = outer.y * grid.width;
        const views = planes.map((p) => new Uint8Array(p.buffer, 0, 4 * m));
        if (records) readvSync(rd, [...views, valid.subarray(0, m)], recordAt[s]!);
        else {
          for (const [k, v] of views.entries()) readAll(rd, v, 4 * (k * n + at));
          readAll(rd, valid.subarray(0, m), 4 * count * n + at);
        }
        seconds += cpuSeconds() - c0;
        wall += (performance.now() - t0) / 1000;
        digestCore(digest, planes, valid, a, b);
      }
    } finally {
      closeSync(rd);
    }
    console.log(
      `previous read back (${layout}): ${seconds.toFixed(2)} CPU s, wall ${wall.toFixed(2)} s; digest ${digest.digest('hex').slice(0, 16)}`,
    );
  }
  await rm(file, { force: true });
}

function readAll(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const k = readSync(fd, buf, done, buf.length - done, position + done);
    if (k === 0) return;
    done += k;
  }
}
