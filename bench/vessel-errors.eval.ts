/**
 * Where the vessel-count error of the pipeline comes from, on generated scenes. The series is analysed
 * once by `analyzeSeries` (kept in a work folder); the detect stage is then re-run on the prepared
 * images exactly as the pipeline calls it (same clear masks, same three previous dates as `others`), and
 * each zone-date's detections are paired with the true hulls. Errors are sorted into misses (dark or
 * bright hull, rafted, under cloud, merged into a neighbour's detection) and false detections (a second
 * detection on one hull, a small boat, something else), per zone kind. The site's memory of open water
 * (processing/water-memory.ts) runs from date to date as in the pipeline, kept in a folder of its own
 * (--memory DIR, default /tmp/bw-water-memory-<seed>; rewritten on each run) so the work folder's
 * analyses are never touched; --no-memory detects without it (as before the memory existed).
 * --first-ahead K runs the dates as processing/series.ts does with the first date analysed again once
 * the next K are (0: never; the series uses 3); the `first` row scores the first date's zone-dates alone.
 * --json FILE appends (JSON lines, so seeds' runs gather in one file; delete it to start over) one
 * record per zone-date (found, truth, and each miss and false with what the truth says about it: the
 * hull a merged miss was read with and how they lie, the hull a split lies on, whether a false
 * detection is on water and where an earlier date had a hull) for a census over seeds.
 *   npx tsx bench/vessel-errors.eval.ts [--seed N] [--dates K] [--work DIR] [--fresh] [--list [--hits]] [--history H] [--first-ahead K] [--no-sun] [--memory DIR | --no-memory] [--json FILE]
 */

import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectInZones, memoryWaterOptions, type PlacedVessel, type WaterMemoryDirs } from '../processing/detect.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import { seriesSteps } from '../processing/series.ts';
import { type SunPosition, sunOverBounds } from '../processing/sun-position.ts';
import type { Block, Grid, Window } from '../processing/types.ts';
import { waterContrast } from '../processing/vessel-contrast.ts';
import { waterMask } from '../processing/water.ts';
import { readWaterSightings } from '../processing/water-memory.ts';
import { buildLayout } from '../sample-tiles/layout.ts';
import { simulateObjects, type Vessel } from '../sample-tiles/objects.ts';
import { DEFAULT_SEED, generateSeries, type ZoneTruth } from '../sample-tiles/scene.ts';
import { analyzeGenerated } from './analyze-generated.ts';

interface Prepared {
  seed: number;
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  settings: { minVesselLengthM: number; railCarLengthM: number };
  dates: Array<{ id: string; dir: string; zones: Record<string, ZoneTruth>; cloud: number[]; acquiredAt?: string }>;
  /** Per date: every hull and boat placed (truth boxes carry no colour). */
  objects: Array<{ vessels: Vessel[]; boats: Vessel[] }>;
}

/**
 * The zones the pipeline gave a count on this date (its coverage ≥ 0.5, DESIGN's rule): its cloud mask
 * hides more than the truth's cloud (haze, the cloud's shadow), so a zone just under half clouded in the
 * truth may get no count — scoring it here would credit fixes for error the product never reports.
 */
async function countedZones(dir: string): Promise<Set<string>> {
  const a = JSON.parse(await readFile(join(dir, 'analysis.json'), 'utf8')) as {
    scores: Array<{ zoneId: string; coverage: number }>;
  };
  return new Set(a.scores.filter((s) => s.coverage >= 0.5).map((s) => s.zoneId));
}

/** Analyses the series once into `work` (skipped when it is there already) and returns what detection needs. */
async function prepare(seed: number, dates: number | undefined, work: string, fresh: boolean): Promise<Prepared> {
  const meta = join(work, 'prepared.json');
  if (!fresh && existsSync(meta)) {
    const p = JSON.parse(await readFile(meta, 'utf8')) as Prepared;
    if (p.dates.every((d) => d.acquiredAt)) return p;
    // Caches written before the capture time was kept: the series is generated again for it (the
    // analysis stays), since shadows fall by the sun at that time.
    const series = await generateSeries(seed, dates ? { only: Array.from({ length: dates }, (_, i) => i) } : {});
    const at = new Map(series.dates.map((d) => [d.date, d.acquiredAt]));
    for (const d of p.dates) d.acquiredAt = at.get(d.id);
    await writeFile(meta, JSON.stringify(p));
    return p;
  }
  await rm(work, { recursive: true, force: true });
  const only = dates ? Array.from({ length: dates }, (_, i) => i) : undefined;
  const series = await generateSeries(seed, only ? { only } : {});
  const results = await analyzeGenerated(series, work, join(work, 'analysis'));
  const objs = simulateObjects(
    buildLayout(seed),
    seed,
    series.dates.map((d) => d.mode),
  );
  const out: Prepared = {
    seed,
    grid: results[0]!.analysis.grid,
    zones: series.zones,
    settings: series.site.settings,
    dates: series.dates.map((d) => ({
      id: d.date,
      acquiredAt: d.acquiredAt,
      dir: join(work, 'analysis', d.date),
      zones: d.zones,
      // Cloud pixels only (255), as indices: small enough to keep.
      cloud: cloudIndices(d.cloudMask),
    })),
    objects: objs.slice(0, series.dates.length).map((o) => ({ vessels: o.vessels, boats: o.boats })),
  };
  await writeFile(meta, JSON.stringify(out));
  return out;
}

/** The sun at a date's capture over the grid's centre, as pipeline.ts passes it to the detect stage. */
function sunOf(d: { id: string; acquiredAt?: string }, grid: Grid): SunPosition {
  return sunOverBounds(d.acquiredAt ?? `${d.id}T00:00:00Z`, grid.bounds);
}

function cloudIndices(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 255) out.push(i);
  return out;
}

type Kind = 'berth' | 'anchorage';
/** Per zone kind and over all; `first` is the first date alone; `before:` rows score each date's first analysis. */
type Tallies = Record<Kind | 'all' | 'first' | 'before:all' | 'before:first', Tally>;
interface Tally {
  cells: number;
  absErr: number;
  truth: number;
  found: number;
  hit: number;
  [reason: string]: number;
}

/** A hull's box in grid pixels, as truth boxes and placed vessels both give it. */
interface HullBox {
  cx: number;
  cy: number;
  angle: number;
  length: number;
  width: number;
}

/** One error of a zone-date as --json writes it; `why` is the --list category. */
interface ErrorRecord {
  why: string;
  lengthM: number;
  widthM: number;
  cx: number;
  cy: number;
  [detail: string]: string | number | boolean | null | undefined;
}

/** One zone-date as --json writes it. */
export interface ZoneDateRecord {
  seed: number;
  d: number;
  date: string;
  zone: string;
  kind: Kind;
  cloudCoverage: number;
  found: number;
  truth: number;
  errors: ErrorRecord[];
}

/** How a true hull's box stands out against the water around it, as the detector's contrast reads it. */
interface BoxContrast {
  /** Pixels of the box (1 px inside) on the water mask, as a share. */
  waterShare: number;
  /** Highest contrast (σ) in the box, and the share of its pixels at the detector's growing level (3 σ). */
  peakZ: number;
  grownShare: number;
  /** Share of the box darker than water in every band, and shade (water's hue, dimmed). */
  darkShare: number;
  shadowShare: number;
}

/**
 * The contrast the detector reads in a zone's window (1 m, 200 m background, domain = water that is
 * valid; the zone's outline and cloud are left out, so figures near them are approximate), as a lookup
 * per true hull's box.
 */
function contrastInBox(block: Block, water: Uint8Array, w: Window): (b: HullBox) => BoxContrast {
  const domain = water.map((v, i) => v & block.valid[i]!);
  const { a, dark, shadow } = waterContrast(block, domain, 1, 200);
  return (b) => {
    let n = 0;
    const sums = { water: 0, grown: 0, dark: 0, shadow: 0, peak: 0 };
    const c = Math.cos(b.angle);
    const s = Math.sin(b.angle);
    const r = Math.ceil(Math.hypot(b.length, b.width) / 2);
    for (let y = Math.floor(b.cy - r); y <= b.cy + r; y++) {
      for (let x = Math.floor(b.cx - r); x <= b.cx + r; x++) {
        const u = (x - b.cx) * c + (y - b.cy) * s;
        const v = -(x - b.cx) * s + (y - b.cy) * c;
        if (Math.abs(u) > b.length / 2 - 1 || Math.abs(v) > b.width / 2 - 1) continue;
        const [i, j] = [x - w.x, y - w.y];
        if (i < 0 || j < 0 || i >= w.width || j >= w.height) continue;
        const k = j * w.width + i;
        n++;
        sums.water += water[k]!;
        sums.dark += dark[k]!;
        sums.shadow += shadow[k]!;
        if (a[k]! >= 3) sums.grown++;
        if (a[k]! > sums.peak) sums.peak = a[k]!;
      }
    }
    const share = (v: number) => (n ? v / n : 0);
    return {
      waterShare: share(sums.water),
      peakZ: sums.peak,
      grownShare: share(sums.grown),
      darkShare: share(sums.dark),
      shadowShare: share(sums.shadow),
    };
  };
}

/** Where hull `b` lies from hull `a`, in `a`'s frame: along its axis, across it, and what that makes them. */
function relation(a: Vessel, b: Vessel): { along: number; across: number; lie: string } {
  const c = Math.cos(a.angle);
  const s = Math.sin(a.angle);
  const along = (b.cx - a.cx) * c + (b.cy - a.cy) * s;
  const across = -(b.cx - a.cx) * s + (b.cy - a.cy) * c;
  const endToEnd = Math.abs(along) >= (a.length + b.length) / 2 - 8 && Math.abs(across) < (a.width + b.width) / 2;
  const abreast = Math.abs(across) >= (a.width + b.width) / 2 - 4 && Math.abs(along) < (a.length + b.length) / 2;
  return { along, across, lie: endToEnd ? 'end-to-end' : abreast ? 'abreast' : 'overlapping-or-apart' };
}

function tallyOf(): Tally {
  return { cells: 0, absErr: 0, truth: 0, found: 0, hit: 0 };
}

/** Re-runs the detect stage on the prepared series and sorts the errors. */
export async function vesselErrors(
  p: Prepared,
  list: boolean,
  history = 3,
  hits = false,
  noSun = false,
  memoryDir: string | null = null,
  records: ZoneDateRecord[] | null = null,
  firstAhead = 0,
): Promise<Tallies> {
  if (memoryDir) await rm(memoryDir, { recursive: true, force: true });
  const tallies: Tallies = {
    berth: tallyOf(),
    anchorage: tallyOf(),
    all: tallyOf(),
    first: tallyOf(),
    'before:all': tallyOf(),
    'before:first': tallyOf(),
  };
  const zones = p.zones.features.filter((z) => ['berth', 'anchorage', 'ignore'].includes(z.properties.kind));
  let d = 0;
  let step: { last: boolean; first: boolean } = { last: true, first: true };
  const add = (kind: Kind, key: string, v = 1) => {
    const to = [
      ...(step.last ? [tallies[kind], tallies.all, ...(d === 0 ? [tallies.first] : [])] : []),
      // A date's first analysis: what the series scored before the first date was analysed again.
      ...(step.first ? [tallies['before:all'], ...(d === 0 ? [tallies['before:first']] : [])] : []),
    ];
    for (const t of to) t[key] = (t[key] ?? 0) + v;
  };
  const memoryAt = (k: number) => (memoryDir ? join(memoryDir, p.dates[k]!.id) : null);
  const times = p.dates.map((x) => Date.parse(x.acquiredAt ?? x.id));
  // The analyses in the order the series runs them (processing/series.ts), the first date again with
  // the next --first-ahead dates once they are analysed: each date is scored by its last analysis (and,
  // in the before: rows, by its first), and
  // its memory of open water is the one the previous date's analysis wrote last.
  const steps = seriesSteps(times, { others: history, ahead: firstAhead }).map((s, k, all) => ({
    d: s.index,
    others: s.others.map((o) => p.dates[o]!),
    memory: {
      from: s.index > 0 ? memoryAt(s.index - 1) : null,
      to: memoryAt(s.index),
      holdsOthers: s.others.every((o) => times[o]! < times[s.index]!),
    },
    last: !all.slice(k + 1).some((t) => t.index === s.index),
    first: !all.slice(0, k).some((t) => t.index === s.index),
  }));
  for (const s of steps) {
    d = s.d;
    step = s;
    const date = p.dates[d]!;
    const image = await openPrepared(date.dir);
    const others = await Promise.all(s.others.map((o) => openPrepared(o.dir)));
    const memory: WaterMemoryDirs | undefined = memoryDir ? s.memory : undefined;
    const found = await detectInZones(image, date.dir, others, zones, p.settings, p.grid, {
      sun: noSun ? undefined : sunOf(date, p.grid),
      memory,
    });
    if (!step.last && !step.first) {
      await Promise.all([image.close(), ...others.map((o) => o.close())]);
      continue;
    }
    // The water mask each zone's detection saw (detect.ts: the zone's window with a 48 px margin).
    const waterOf = new Map<string, (x: number, y: number) => boolean>();
    const contrastOf = new Map<string, (b: HullBox) => BoxContrast>();
    for (const z of zones) {
      const w = zoneWindow(z, p.grid, 48);
      if (!w || z.properties.kind === 'ignore') continue;
      const block = await image.read(w);
      const sightings = readWaterSightings(memory?.from ?? null, z.properties.id, w);
      const water = waterMask(block, {
        others: await Promise.all(others.map((o) => o.read(w))),
        gsdM: 1,
        ...memoryWaterOptions(sightings, others.length, memory?.holdsOthers ?? true),
      });
      waterOf.set(z.properties.id, (x, y) => {
        const [i, j] = [Math.round(x) - w.x, Math.round(y) - w.y];
        return i >= 0 && j >= 0 && i < w.width && j < w.height && water[j * w.width + i] === 1;
      });
      if (records) contrastOf.set(z.properties.id, contrastInBox(block, water, w));
    }
    await Promise.all([image.close(), ...others.map((o) => o.close())]);
    const earlier = p.objects.slice(Math.max(0, d - history), d).map((o) => new Set(o.vessels.map((v) => v.uid)));
    const cloud = new Set(date.cloud);
    const counted = await countedZones(date.dir);
    const objs = p.objects[d]!;
    const byUid = new Map(objs.vessels.map((v) => [v.uid, v]));
    const previous = d > 0 ? p.objects[d - 1]!.vessels : [];
    for (const z of zones) {
      const kind = z.properties.kind as Kind | 'ignore';
      if (kind === 'ignore') continue;
      const t = date.zones[z.properties.id];
      if (!t || t.cloudCoverage >= 0.5 || t.vesselBoxes === null || !counted.has(z.properties.id)) continue;
      const ours: PlacedVessel[] = found.zones.get(z.properties.id)?.vessels ?? [];
      const truth = t.vesselBoxes;
      add(kind, 'cells');
      add(kind, 'absErr', Math.abs(ours.length - truth.length));
      add(kind, 'truth', truth.length);
      add(kind, 'found', ours.length);
      // Greedy pairing by distance, gated at half the hull's length.
      const pairs: Array<[number, number, number]> = [];
      truth.forEach((tb, i) => {
        ours.forEach((o, j) => {
          const dist = Math.hypot(o.cx - tb.px.cx, o.cy - tb.px.cy);
          if (dist <= Math.max(10, tb.px.length / 2)) pairs.push([dist, i, j]);
        });
      });
      pairs.sort((a, b) => a[0] - b[0]);
      const tUsed = new Int32Array(truth.length).fill(-1);
      const oUsed = new Int32Array(ours.length).fill(-1);
      for (const [, i, j] of pairs) {
        if (tUsed[i]! >= 0 || oUsed[j]! >= 0) continue;
        tUsed[i] = j;
        oUsed[j] = i;
      }
      const inBox = (x: number, y: number, b: HullBox, pad: number) => {
        const c = Math.cos(b.angle);
        const s = Math.sin(b.angle);
        const u = (x - b.cx) * c + (y - b.cy) * s;
        const v = -(x - b.cx) * s + (y - b.cy) * c;
        return Math.abs(u) <= b.length / 2 + pad && Math.abs(v) <= b.width / 2 + pad;
      };
      const lines: string[] = [];
      const errors: ErrorRecord[] = [];
      const truthIndex = new Map(truth.map((tb, i) => [tb.uid, i]));
      // The hull a missed hull is rafted with, and the detection paired with it: a raft read as one is
      // one detection about as wide as both beams, whose centre may lie on either hull.
      const raftPartnerOf = (v: Vessel | undefined) => {
        const partner = v && objs.vessels.find((o) => o.uid === v.raftedTo || o.raftedTo === v.uid);
        const i = partner ? truthIndex.get(partner.uid) : undefined;
        const det = i !== undefined && tUsed[i]! >= 0 ? ours[tUsed[i]!] : undefined;
        return {
          partnerUid: partner?.uid ?? null,
          partnerLength: partner?.length ?? null,
          partnerWidth: partner?.width ?? null,
          partnerHitLengthM: det?.lengthM ?? null,
          partnerHitWidthM: det?.widthM ?? null,
        };
      };
      // The nearest detection to a missed hull's centre, and whether it is paired with another hull.
      const nearestDetection = (b: HullBox) => {
        let best = -1;
        let dist = Number.POSITIVE_INFINITY;
        ours.forEach((o, j) => {
          const dd = Math.hypot(o.cx - b.cx, o.cy - b.cy);
          if (dd < dist) [best, dist] = [j, dd];
        });
        const o = best >= 0 ? ours[best] : undefined;
        return {
          nearestDetPx: o ? dist : null,
          nearestDetLengthM: o?.lengthM ?? null,
          nearestDetWidthM: o?.widthM ?? null,
          nearestDetPaired: o ? oUsed[best]! >= 0 : null,
        };
      };
      const truthVessel = (i: number) => byUid.get(truth[i]!.uid);
      truth.forEach((tb, i) => {
        if (tUsed[i]! >= 0) {
          add(kind, 'hit');
          const o = ours[tUsed[i]!]!;
          if (hits)
            lines.push(
              `    hit L ${o.lengthM.toFixed(0)} m W ${o.widthM.toFixed(0)} at (${o.cx.toFixed(0)}, ${o.cy.toFixed(0)})`,
            );
          return;
        }
        const v = byUid.get(tb.uid);
        const clouded = cloud.has(Math.round(tb.px.cy) * p.grid.width + Math.round(tb.px.cx));
        const rafted = v && (v.raftedTo !== null || objs.vessels.some((o) => o.raftedTo === v.uid));
        const covering = ours.findIndex((o) => inBox(o.cx, o.cy, tb.px, 2));
        // Stayed: at the same berth on every earlier date the detector was given (the fixture test's case).
        const stayed = earlier.length > 0 && earlier.every((s) => s.has(tb.uid));
        const onWater = waterOf.get(z.properties.id)?.(tb.px.cx, tb.px.cy) ?? false;
        const why = clouded
          ? 'miss:cloud'
          : covering >= 0
            ? 'miss:merged'
            : !onWater
              ? `miss:land${stayed ? '-stayed' : ''}`
              : `miss:${v?.bright ? 'bright' : 'dark'}${rafted ? '-rafted' : ''}${stayed ? '-stayed' : ''}`;
        add(kind, why);
        const withHull = covering >= 0 ? oUsed[covering]! : -1;
        const other = withHull >= 0 ? truthVessel(withHull) : undefined;
        errors.push({
          why,
          lengthM: tb.lengthM,
          widthM: tb.widthM,
          cx: tb.px.cx,
          cy: tb.px.cy,
          uid: tb.uid,
          vesselKind: v?.kind,
          deck: v?.deck.join('/'),
          bright: v?.bright,
          rafted: Boolean(rafted),
          stayed,
          onWater,
          coveredBy:
            covering >= 0 ? `L ${ours[covering]!.lengthM.toFixed(0)} W ${ours[covering]!.widthM.toFixed(0)}` : null,
          readWithUid: other?.uid ?? null,
          readWithLengthM: other?.length ?? null,
          readWithRaftedToIt: other && v ? other.raftedTo === v.uid || v.raftedTo === other.uid : null,
          readWithLie: other && v ? relation(v, other).lie : null,
          ...raftPartnerOf(v),
          ...nearestDetection(tb.px),
          ...contrastOf.get(z.properties.id)?.(tb.px),
        });
        lines.push(
          `    ${why} L ${tb.lengthM.toFixed(0)} m W ${tb.widthM.toFixed(0)} at (${tb.px.cx.toFixed(0)}, ${tb.px.cy.toFixed(0)}) deck ${v?.deck.join('/')}`,
        );
      });
      // The true hull a false detection lies on, and the detection paired with it (if any).
      const hostOf = (tb: (typeof truth)[number], j: number) => {
        const h = j >= 0 ? ours[j] : undefined;
        return (
          `L ${tb.lengthM.toFixed(0)} m W ${tb.widthM.toFixed(0)} at (${tb.px.cx.toFixed(0)}, ${tb.px.cy.toFixed(0)})` +
          (h
            ? ` hit by L ${h.lengthM.toFixed(0)} W ${h.widthM.toFixed(0)} at (${h.cx.toFixed(0)}, ${h.cy.toFixed(0)})`
            : ' unpaired')
        );
      };
      ours.forEach((o, j) => {
        if (oUsed[j]! >= 0) return;
        const host = truth.findIndex((tb) => inBox(o.cx, o.cy, tb.px, 6));
        const boat = objs.boats.find((b) => Math.hypot(b.cx - o.cx, b.cy - o.cy) < b.length / 2 + 8 + b.wake);
        const why = host >= 0 ? 'false:split' : boat ? 'false:boat' : 'false:other';
        add(kind, why);
        const hostVessel = host >= 0 ? truthVessel(host) : undefined;
        const hostHit = host >= 0 && tUsed[host]! >= 0 ? ours[tUsed[host]!] : undefined;
        // A hull of the previous date whose box holds this detection and which is gone today.
        const ghost = previous.find((pv) => !byUid.has(pv.uid) && inBox(o.cx, o.cy, pv, 4));
        errors.push({
          why,
          lengthM: o.lengthM,
          widthM: o.widthM,
          cx: o.cx,
          cy: o.cy,
          onWater: waterOf.get(z.properties.id)?.(o.cx, o.cy) ?? false,
          boatLength: boat?.length ?? null,
          boatWake: boat?.wake ?? null,
          hostUid: hostVessel?.uid ?? null,
          hostLengthM: host >= 0 ? truth[host]!.lengthM : null,
          hostWidthM: host >= 0 ? truth[host]!.widthM : null,
          hostBright: hostVessel?.bright ?? null,
          hostRafted: hostVessel
            ? hostVessel.raftedTo !== null || objs.vessels.some((x) => x.raftedTo === hostVessel.uid)
            : null,
          hostHitLengthM: hostHit?.lengthM ?? null,
          ghostOfUid: ghost?.uid ?? null,
          ghostLength: ghost?.length ?? null,
          nearestHullPx: truth.reduce(
            (m, tb) => Math.min(m, Math.hypot(o.cx - tb.px.cx, o.cy - tb.px.cy)),
            Number.POSITIVE_INFINITY,
          ),
        });
        lines.push(
          `    ${why} L ${o.lengthM.toFixed(0)} m W ${o.widthM.toFixed(0)} at (${o.cx.toFixed(0)}, ${o.cy.toFixed(0)})` +
            (boat ? ` boat ${boat.length.toFixed(0)} m wake ${boat.wake.toFixed(0)}` : '') +
            (host >= 0 ? ` on ${hostOf(truth[host]!, tUsed[host]!)}` : ''),
        );
      });
      if (step.last)
        records?.push({
          seed: p.seed,
          d,
          date: date.id,
          zone: z.properties.id,
          kind,
          cloudCoverage: t.cloudCoverage,
          found: ours.length,
          truth: truth.length,
          errors,
        });
      if (list && lines.length) {
        console.log(`  ${date.id} ${z.properties.id} (${kind}): ${ours.length} vs ${truth.length}`);
        for (const l of lines) console.log(l);
      }
    }
  }
  return tallies;
}

function format(t: Tally): string {
  const { cells, absErr, truth, found, hit, ...reasons } = t;
  const rs = Object.entries(reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `MAE ${(absErr / Math.max(1, cells)).toFixed(3)} (${cells} zone-dates), truth ${truth}, found ${found}, hit ${hit}; ${rs}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      dates: { type: 'string' },
      work: { type: 'string' },
      fresh: { type: 'boolean' },
      list: { type: 'boolean' },
      hits: { type: 'boolean' },
      history: { type: 'string' },
      'first-ahead': { type: 'string' },
      'no-sun': { type: 'boolean' },
      memory: { type: 'string' },
      'no-memory': { type: 'boolean' },
      json: { type: 'string' },
    },
  });
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const work = values.work ?? join('/tmp', `bw-vessel-errors-${seed}-${values.dates ?? 'all'}`);
  const t0 = performance.now();
  const p = await prepare(seed, values.dates ? Number(values.dates) : undefined, work, values.fresh ?? false);
  const t1 = performance.now();
  const records: ZoneDateRecord[] | null = values.json ? [] : null;
  // How many previous dates the detect stage gets (the pipeline passes 3; more shows what the water mask gains).
  const r = await vesselErrors(
    p,
    values.list ?? false,
    values.history ? Number(values.history) : 3,
    values.hits ?? false,
    values['no-sun'] ?? false,
    values['no-memory'] ? null : (values.memory ?? join('/tmp', `bw-water-memory-${seed}`)),
    records,
    values['first-ahead'] ? Number(values['first-ahead']) : 0,
  );
  if (values.json && records) await appendFile(values.json, records.map((rec) => `${JSON.stringify(rec)}\n`).join(''));
  const t2 = performance.now();
  console.log(
    `seed ${seed}: prepared in ${((t1 - t0) / 1000).toFixed(1)} s, detect ${((t2 - t1) / 1000).toFixed(1)} s`,
  );
  const rows = ['berth', 'anchorage', 'all', 'first', ...(values['first-ahead'] ? ['before:all', 'before:first'] : [])];
  for (const k of rows as Array<keyof Tallies>) console.log(`  ${k.padEnd(9)} ${format(r[k])}`);
}

await main();
