/**
 * The on-disk analysis raster: an image resampled onto the site grid as uint8 interleaved bands
 * (`bands.u8`) plus a validity plane stored inverted (`nodata.u8`, 1 = no data), row-major, and
 * `meta.json`. Inverted so that fully valid rows are never written: they stay sparse-file holes
 * that read back as zeros, which saves a quarter of the bytes on slow disks. Raw files,
 * not a container format: a window is a handful of positional reads, and the page cache serves
 * repeated reads at memory speed.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ProcessingError } from './errors.ts';
import { KernelPlanes } from './kernel-memory.ts';
import {
  type LocalCorrection,
  LocalRows,
  lutSteps,
  normalizeLocal,
  normalizeValue,
  segmentFields,
} from './normalize.ts';
import { type ResampleNorm, type ResampleRow, type ResampleWeights, shiftedRgbNormalizedWasm } from './shifted.ts';
import type { BandRole, Block, BlockReader, Grid, Shift, Window } from './types.ts';

export interface AnalysisRasterMeta {
  grid: Grid;
  roles: BandRole[];
  /** How source values mapped to 0..255, per band: byte = 255 · (v − lo) / (hi − lo), clamped. */
  stretch: Array<{ lo: number; hi: number }>;
  /** Fraction of grid pixels valid (exactly 1: `nodata.u8` is all zeros, and reads skip it). */
  coverage: number;
}

/** Bytes of one window: interleaved bands (roles.length per pixel) and validity. */
export interface ByteBlock {
  window: Window;
  data: Uint8Array;
  valid: Uint8Array;
}

export interface AnalysisRaster extends BlockReader {
  meta: AnalysisRasterMeta;
  /** The folder it was opened from (worker threads open their own handle on it). */
  dir: string;
  /** The window's bytes as stored (window must lie inside the grid): for tiles and fast paths. */
  readBytes(window: Window): ByteBlock;
  /**
   * `read(window, { shift })` and, with `luts`, the same read put through them (`normalizeBand`)
   * in the same pass over the bytes: each sample is resampled once, and no plane is read back.
   * `own` is null when `keepOwn` is false; `normalized` is null without `luts`. With `local`, each
   * sample goes through its local correction before the tables (`Normalization.local`).
   */
  readAligned(
    window: Window,
    shift: Shift,
    luts: Float32Array[] | null,
    keepOwn: boolean,
    scratch?: ReadScratch | null,
    local?: LocalCorrection | null,
  ): AlignedBlocks;
  close(): Promise<void>;
}

/**
 * Buffers lent to `readAligned` for its planes, kept from one read to the next: a survey reads strips
 * of one size over and over, and fresh planes (~30 bytes per pixel) cost allocation, page faults and
 * collection each time. A read through a scratch overwrites the planes of the previous read through it,
 * but for the rows the two windows share: a survey's strips overlap by their margins, and a strip read
 * right below the previous one (same columns, same raster and alignment) keeps those rows and reads the
 * rest. So the planes read through a scratch are the caller's to read, never to write.
 */
export class ReadScratch {
  private readonly floats: Float32Array[] = [];
  private readonly bytes: Uint8Array[] = [];
  /** With `kernel`, the kernel plane each byte plane views (what `KernelPlanes.free` takes back). */
  private readonly byteHomes: Array<Float32Array | undefined> = [];
  /** What the planes hold: the window of the last read and how it was read. */
  private last: { window: Window; how: ReadKey } | null = null;
  /**
   * Where float planes are allocated with `kernel`: in the thread's kernel memory, where change.ts's
   * first pass and detect's kernels read them in place rather than copying them in (kernel-memory.ts).
   * They go back to that memory on `release()` or once the scratch is collected, but the memory never
   * shrinks.
   */
  private readonly kernel: KernelPlanes | null;

  constructor(opts: { kernel?: boolean } = {}) {
    this.kernel = opts.kernel ? new KernelPlanes() : null;
  }

  /**
   * Hands the float planes back to the kernel memory now rather than whenever the scratch is
   * collected: the next survey (or this worker's detection) reuses them instead of growing the memory,
   * which never shrinks. The scratch stays usable; its next read allocates afresh.
   */
  release(): void {
    this.kernel?.freeAll();
    this.floats.length = 0;
    if (this.kernel) {
      this.bytes.length = 0;
      this.byteHomes.length = 0;
    }
    this.last = null;
  }

  /** Float plane `k` of length `n` (contents undefined, but for what a grown plane keeps of its start). */
  float(k: number, n: number): Float32Array {
    let b = this.floats[k];
    if (!b || b.length < n) {
      const grown = this.kernel?.floats(n) ?? new Float32Array(n);
      if (b) {
        grown.set(b);
        // The old plane's rows were handed out only for the previous read.
        this.kernel?.free(b);
      }
      b = grown;
      this.floats[k] = b;
    }
    return b.subarray(0, n);
  }

  /**
   * Byte plane `k` of length `n` (contents undefined, but for what a grown plane keeps of its start). With
   * `kernel`, in the kernel memory too: the shifted read's module reads the stored bytes and writes
   * validity where they lie (shifted.ts), rather than copying each row in.
   */
  byte(k: number, n: number): Uint8Array {
    let b = this.bytes[k];
    if (!b || b.length < n) {
      const home = this.kernel?.floats(Math.ceil(n / 4)) ?? null;
      const grown = home ? new Uint8Array(home.buffer, home.byteOffset, n) : new Uint8Array(n);
      if (b) grown.set(b);
      const old = this.byteHomes[k];
      if (old) this.kernel?.free(old);
      this.byteHomes[k] = home ?? undefined;
      b = grown;
      this.bytes[k] = b;
    }
    return b.subarray(0, n);
  }

  /**
   * Rows of window `w` the last read (read as `how`) already holds, moved to the planes' first rows:
   * the last window's bottom rows when `w` starts inside it, on its columns, and reaches past its end.
   * Returns how many (0: none; `w` is read whole).
   */
  carry(w: Window, how: ReadKey, planes: { floats: number[]; bytes: number[] }): number {
    const last = this.last;
    // Until `hold` says the read went through, the planes hold no window whole.
    this.last = null;
    if (!last || !sameRead(last.how, how) || last.window.x !== w.x || last.window.width !== w.width) return 0;
    const end = last.window.y + last.window.height;
    if (w.y <= last.window.y || w.y >= end || w.y + w.height < end) return 0;
    const from = (w.y - last.window.y) * w.width;
    const to = last.window.height * w.width;
    for (const k of planes.floats) this.floats[k]!.copyWithin(0, from, to);
    for (const k of planes.bytes) this.bytes[k]!.copyWithin(0, from, to);
    return end - w.y;
  }

  /** Records that the planes now hold window `w`, read as `how`. */
  hold(w: Window, how: ReadKey): void {
    this.last = { window: { ...w }, how };
  }
}

/** How a read was made: rows read alike from one raster hold the same values whatever the window's height. */
export interface ReadKey {
  raster: object;
  dx: number;
  dy: number;
  luts: Float32Array[] | null;
  local: LocalCorrection | null;
  keepOwn: boolean;
}

function sameRead(a: ReadKey, b: ReadKey): boolean {
  return (
    a.raster === b.raster &&
    a.dx === b.dx &&
    a.dy === b.dy &&
    a.luts === b.luts &&
    a.local === b.local &&
    a.keepOwn === b.keepOwn
  );
}

/** Byte planes of a scratch: the output validity, and the stored bytes and validity read. */
const VALID_PLANE = 0;
const DATA_PLANE = 1;
const SOURCE_VALID_PLANE = 2;

export interface AlignedBlocks {
  own: Block | null;
  normalized: Block | null;
}

const BANDS_FILE = 'bands.u8';
const NODATA_FILE = 'nodata.u8';
const META_FILE = 'meta.json';

export interface AnalysisRasterWriter {
  /** Writes `rows` full grid rows starting at `y0`: interleaved band bytes and validity. */
  writeRows(y0: number, rows: number, data: Uint8Array, valid: Uint8Array): Promise<void>;
  /** Renames the files into place and writes meta.json (coverage counted from what was written). */
  finish(): Promise<AnalysisRasterMeta>;
  /** Removes partial files after a failure. */
  abort(): Promise<void>;
}

/** Starts writing an analysis raster into `dir` (created if missing; an existing one is replaced on finish). */
export async function createAnalysisRaster(
  dir: string,
  init: { grid: Grid; roles: BandRole[]; stretch: Array<{ lo: number; hi: number }> },
): Promise<AnalysisRasterWriter> {
  await mkdir(dir, { recursive: true });
  const nb = init.roles.length;
  const { width, height } = init.grid;
  const bandsTmp = join(dir, `${BANDS_FILE}.partial`);
  const validTmp = join(dir, `${NODATA_FILE}.partial`);
  const fb: FileHandle = await open(bandsTmp, 'w');
  const fv: FileHandle = await open(validTmp, 'w');
  // Pre-size so rows can be written in any order; the no-data plane's zeros are valid pixels, so
  // `nodata.u8` is written only for rows with a pixel missing.
  await fb.truncate(width * height * nb);
  await fv.truncate(width * height);
  let validCount = 0;
  let closed = false;
  const closeAll = async () => {
    if (closed) return;
    closed = true;
    await fb.close();
    await fv.close();
  };
  return {
    async writeRows(y0, rows, data, valid) {
      if (data.length !== rows * width * nb || valid.length !== rows * width || y0 < 0 || y0 + rows > height) {
        throw new RangeError(`rows ${y0}..${y0 + rows} do not fit the ${width} × ${height} × ${nb} raster`);
      }
      const count = sumBytes(valid);
      validCount += count;
      await fb.write(data, 0, data.length, y0 * width * nb);
      if (count < valid.length) {
        const nodata = new Uint8Array(valid.length);
        for (let i = 0; i < valid.length; i++) nodata[i] = valid[i]! ? 0 : 1;
        await fv.write(nodata, 0, nodata.length, y0 * width);
      }
    },
    async finish() {
      await closeAll();
      const meta: AnalysisRasterMeta = {
        grid: init.grid,
        roles: init.roles,
        stretch: init.stretch,
        coverage: validCount / (width * height),
      };
      await rm(join(dir, META_FILE), { force: true });
      await rename(bandsTmp, join(dir, BANDS_FILE));
      await rename(validTmp, join(dir, NODATA_FILE));
      await writeFile(
        join(dir, META_FILE),
        `${JSON.stringify({ format: 'berthwatch-analysis-raster/1', ...meta }, null, 1)}\n`,
      );
      return meta;
    },
    async abort() {
      await closeAll().catch(() => undefined);
      await rm(bandsTmp, { force: true });
      await rm(validTmp, { force: true });
    },
  };
}

/** 0..255 → 0..1 without a division per sample. */
const UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** The bands an analysis raster holds, by role; null when `dir` holds none (not analysed yet, or removed). */
export async function analysisRasterRoles(dir: string): Promise<BandRole[] | null> {
  try {
    return (JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as AnalysisRasterMeta).roles;
  } catch {
    return null;
  }
}

/** Opens an analysis raster written by warp.ts for window reads. */
export async function openAnalysisRaster(dir: string): Promise<AnalysisRaster> {
  let meta: AnalysisRasterMeta;
  try {
    meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as AnalysisRasterMeta;
  } catch (err) {
    // Named by its image (the folder above), not by the server's path, which the job's error would show.
    const why = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ProcessingError('corrupt_image', `no analysis raster for image ${basename(dirname(dir))} (${why})`);
  }
  const { width, height } = meta.grid;
  const roles = meta.roles;
  const nb = roles.length;
  const fdBands = openSync(join(dir, BANDS_FILE), 'r');
  const fdValid = openSync(join(dir, NODATA_FILE), 'r');
  /** This opening of the raster, as scratches tell reads apart. */
  const identity = {};
  // Every pixel valid (each row is written once): the no-data file is its pre-sized zeros.
  const nodataFree = meta.coverage === 1;

  /** With `nodata`, `valid` holds the stored plane as is (1 = no data): for readers that fold the inversion in. */
  const readBytes = (w: Window, scratch: ReadScratch | null = null, nodata = false): ByteBlock => {
    if (w.x < 0 || w.y < 0 || w.width < 0 || w.height < 0 || w.x + w.width > width || w.y + w.height > height) {
      throw new RangeError(`window ${JSON.stringify(w)} is outside the ${width} × ${height} raster`);
    }
    // Every byte of both is read from the files below (no fill needed).
    const data = scratch ? scratch.byte(DATA_PLANE, w.width * w.height * nb) : new Uint8Array(w.width * w.height * nb);
    const valid = scratch ? scratch.byte(SOURCE_VALID_PLANE, w.width * w.height) : new Uint8Array(w.width * w.height);
    if (w.width === 0 || w.height === 0) return { window: { ...w }, data, valid };
    if (w.width === width) readFully(fdBands, data, w.y * width * nb);
    else {
      for (let y = 0; y < w.height; y++) {
        readFully(fdBands, data.subarray(y * w.width * nb, (y + 1) * w.width * nb), ((w.y + y) * width + w.x) * nb);
      }
    }
    if (nodataFree) {
      // Not read: a zone window's row-by-row reads of it were half of detect's read calls.
      valid.fill(nodata ? 0 : 1);
      return { window: { ...w }, data, valid };
    }
    if (w.width === width) readFully(fdValid, valid, w.y * width);
    else {
      for (let y = 0; y < w.height; y++) {
        readFully(fdValid, valid.subarray(y * w.width, (y + 1) * w.width), (w.y + y) * width + w.x);
      }
    }
    if (!nodata) for (let i = 0; i < valid.length; i++) valid[i] = valid[i]! ^ 1;
    return { window: { ...w }, data, valid };
  };

  /**
   * Planes of the window: the own ones if kept, the normalised ones with luts; not prefilled (the
   * readers write every pixel). Through a scratch, from pixel `at` of its planes on (rows before it carried).
   */
  const planes = (n: number, norm: Norm | null, keepOwn: boolean, scratch: ReadScratch | null, at = 0) => ({
    own: keepOwn ? roles.map((_, b) => (scratch ? scratch.float(b, at + n).subarray(at) : new Float32Array(n))) : null,
    normalized: norm
      ? norm.luts.map((_, b) => (scratch ? scratch.float(nb + b, at + n).subarray(at) : new Float32Array(n)))
      : null,
  });
  const validPlane = (n: number, scratch: ReadScratch | null, at = 0) =>
    scratch ? scratch.byte(VALID_PLANE, at + n).subarray(at) : new Uint8Array(n);
  const blocks = (w: Window, p: ReturnType<typeof planes>, valid: Uint8Array): AlignedBlocks => ({
    own: p.own && { window: { ...w }, roles, bands: p.own, valid },
    normalized: p.normalized && { window: { ...w }, roles, bands: p.normalized, valid },
  });

  /** Floats for `w` clipped to the raster; pixels outside it stay invalid. */
  const readClipped = (
    w: Window,
    norm: Norm | null,
    keepOwn: boolean,
    scratch: ReadScratch | null,
    at: number,
  ): AlignedBlocks => {
    const n = w.width * w.height;
    // Every pixel inside the raster is written below, and only the border is filled.
    const p = planes(n, norm, keepOwn, scratch, at);
    const valid = validPlane(n, scratch, at);
    const x0 = Math.max(0, w.x);
    const y0 = Math.max(0, w.y);
    const x1 = Math.min(width, w.x + w.width);
    const y1 = Math.min(height, w.y + w.height);
    if (x1 <= x0 || y1 <= y0) {
      fillBorder(p, valid, norm, w, 0, 0, 0, 0);
      return blocks(w, p, valid);
    }
    fillBorder(p, valid, norm, w, x0 - w.x, x1 - w.x, y0 - w.y, y1 - w.y);
    // Unshifted samples take 256 values per band: normalised ones come from a table of those
    // (unless the correction varies over the image).
    const tables = norm?.local
      ? null
      : norm?.luts.map((lut, b) => Float32Array.from(UNIT, (v) => normalizeValue(v, lut, norm.steps[b]!)));
    const inner = readBytes({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, scratch, true);
    const iw = x1 - x0;
    const d = inner.data;
    const nd = inner.valid;
    for (let y = 0; y < y1 - y0; y++) {
      const o = (y + y0 - w.y) * w.width + (x0 - w.x);
      const r = y * iw;
      if (nodataFree) valid.fill(1, o, o + iw);
      else for (let x = 0; x < iw; x++) valid[o + x] = nd[r + x]! ^ 1;
      const s = r * nb;
      if (nb === 3 && p.own && !p.normalized) {
        // RGB read as stored (the reference date): the three bands per pixel from consecutive bytes.
        const [o0, o1, o2] = p.own as [Float32Array, Float32Array, Float32Array];
        for (let x = 0, j = s; x < iw; x++, j += 3) {
          o0[o + x] = UNIT[d[j]!]!;
          o1[o + x] = UNIT[d[j + 1]!]!;
          o2[o + x] = UNIT[d[j + 2]!]!;
        }
        continue;
      }
      // One loop per band (no inner band loop): V8 keeps each tight.
      for (let b = 0; b < nb; b++) {
        if (p.own) {
          const out = p.own[b]!;
          for (let x = 0, j = s + b; x < iw; x++, j += nb) out[o + x] = UNIT[d[j]!]!;
        }
        if (p.normalized && tables) {
          const out = p.normalized[b]!;
          const t = tables[b]!;
          for (let x = 0, j = s + b; x < iw; x++, j += nb) out[o + x] = t[d[j]!]!;
        } else if (p.normalized) {
          const out = p.normalized[b]!;
          const { offset, gain } = norm!.local!.fill(b, y + y0, x0, iw, norm!.row[b]);
          const lut = norm!.luts[b]!;
          const step = norm!.steps[b]!;
          for (let x = 0, j = s + b; x < iw; x++, j += nb) {
            out[o + x] = normalizeLocal(UNIT[d[j]!]!, offset[x]!, gain[x]!, lut, step);
          }
        }
      }
    }
    return blocks(w, p, valid);
  };

  /**
   * `sampleShifted` semantics (a sample needs its four neighbours valid and inside the raster),
   * computed straight from the stored bytes: the shift is one set of bilinear weights for the
   * whole window, so there is no intermediate float block and no per-pixel bounds test.
   */
  const readShifted = (
    w: Window,
    shift: Shift,
    norm: Norm | null,
    keepOwn: boolean,
    scratch: ReadScratch | null,
    at: number,
  ): AlignedBlocks => {
    const n = w.width * w.height;
    // The pixels sampled below are all written, and only the border is filled.
    const p = planes(n, norm, keepOwn, scratch, at);
    const valid = validPlane(n, scratch, at);
    const ix = Math.floor(shift.dx);
    const iy = Math.floor(shift.dy);
    const fx = shift.dx - ix;
    const fy = shift.dy - iy;
    const ox = fx > 0 ? 1 : 0;
    const oy = fy > 0 ? 1 : 0;
    // Output columns/rows whose four source neighbours lie inside the raster.
    const xa = Math.max(0, -(w.x + ix));
    const xb = Math.min(w.width, width - ox - (w.x + ix));
    const ya = Math.max(0, -(w.y + iy));
    const yb = Math.min(w.height, height - oy - (w.y + iy));
    if (xb <= xa || yb <= ya) {
      fillBorder(p, valid, norm, w, 0, 0, 0, 0);
      return blocks(w, p, valid);
    }
    fillBorder(p, valid, norm, w, xa, xb, ya, yb);
    // The stored no-data plane as is: a sample is valid where none of its four neighbours is no-data.
    const src = readBytes(
      { x: w.x + ix + xa, y: w.y + iy + ya, width: xb - xa + ox, height: yb - ya + oy },
      scratch,
      true,
    );
    const sw = src.window.width;
    const k = {
      k00: ((1 - fx) * (1 - fy)) / 255,
      k10: (fx * (1 - fy)) / 255,
      k01: ((1 - fx) * fy) / 255,
      k11: (fx * fy) / 255,
    };
    const nd = src.valid;
    // Images mostly cover the whole grid: then every sample is valid, known from one cheap scan.
    const noneMissing = nodataFree || allZero(nd);
    for (let y = ya; y < yb; y++) {
      const r0 = (y - ya) * sw - xa;
      const r1 = r0 + oy * sw;
      const o0 = y * w.width;
      // Validity first, then the bands: each loop has no inner band loop, which V8 compiles to far
      // better code than the pixel-major form.
      if (noneMissing) valid.fill(1, o0 + xa, o0 + xb);
      else {
        for (let x = xa; x < xb; x++)
          valid[o0 + x] = (nd[r0 + x]! | nd[r0 + x + ox]! | nd[r1 + x]! | nd[r1 + x + ox]!) ^ 1;
      }
      const row = { r0, r1, o0, xa, xb, ox };
      if (norm?.local && nb === 3) {
        // The correction along this row as linear segments, stepped with the pixels.
        norm.segmentCount = norm.local.segments(w.y + y, w.x, w.width, norm.segments);
      } else if (norm?.local) {
        for (let b = 0; b < nb; b++) norm.local.fill(b, w.y + y, w.x, w.width, norm.row[b]);
      }
      if (nb === 3) {
        // RGB, the common case: all three bands per pixel from locals.
        if (p.normalized) shiftedRgbNormalizedWasm(src.data, valid, row, k, p.own, p.normalized, norm!);
        else if (p.own) shiftedRgb(src.data, valid, row, k, p.own);
        continue;
      }
      for (let b = 0; b < nb; b++) shiftedBand(src.data, valid, row, k, nb, b, p.own?.[b], p.normalized?.[b], norm);
    }
    return blocks(w, p, valid);
  };

  const normOf = (luts: Float32Array[] | null, local: LocalCorrection | null, w: Window): Norm | null => {
    if (!luts) return null;
    if (luts.length !== nb) {
      throw new ProcessingError('bad_bands', `raster has ${nb} bands; the normalisation was fitted on ${luts.length}`);
    }
    const steps = luts.map(lutSteps);
    return {
      luts,
      steps,
      zero: luts.map((lut, b) => normalizeValue(0, lut, steps[b]!)),
      local: local ? new LocalRows(local) : null,
      row: luts.map(() => ({ offset: new Float32Array(w.width), gain: new Float32Array(w.width) })),
      segments: local ? new Float64Array((local.cols + 2) * segmentFields(nb)) : identitySegment(nb, w.width),
      segmentCount: local ? 0 : 1,
    };
  };

  const readAligned = (
    w: Window,
    shift: Shift,
    luts: Float32Array[] | null,
    keepOwn: boolean,
    scratch: ReadScratch | null = null,
    local: LocalCorrection | null = null,
  ): AlignedBlocks => {
    const norm = normOf(luts, local, w);
    const own = keepOwn || !norm;
    const how: ReadKey = { raster: identity, dx: shift.dx, dy: shift.dy, luts, local, keepOwn: own };
    const kept = scratch?.carry(w, how, { floats: planeIndices(own, norm !== null), bytes: [VALID_PLANE] }) ?? 0;
    const rest = { ...w, y: w.y + kept, height: w.height - kept };
    const at = kept * w.width;
    const read =
      shift.dx === 0 && shift.dy === 0
        ? readClipped(rest, norm, own, scratch, at)
        : readShifted(rest, shift, norm, own, scratch, at);
    scratch?.hold(w, how);
    if (!kept) return read;
    // The carried rows and the rest, as one window.
    const n = w.width * w.height;
    const p = planes(n, norm, own, scratch);
    return blocks(w, p, validPlane(n, scratch));
  };
  /** Which float planes of a scratch a read fills: own ones first, then normalised ones. */
  const planeIndices = (own: boolean, normalized: boolean) => [
    ...(own ? roles.map((_, b) => b) : []),
    ...(normalized ? roles.map((_, b) => nb + b) : []),
  ];

  return {
    meta,
    dir,
    width,
    height,
    roles,
    readBytes: (w: Window) => readBytes(w),
    readAligned,
    async read(w: Window, options?: { shift?: Shift }): Promise<Block> {
      return readAligned(w, options?.shift ?? { dx: 0, dy: 0 }, null, true).own!;
    },
    async close() {
      closeSync(fdBands);
      closeSync(fdValid);
    },
  };
}

/**
 * Normalisation tables and their steps (`lutSteps`), one per band, and what no data (0) maps to;
 * with a local correction, its rows and one row of its offset and gain per band (window columns).
 */
/** `segments`: the current row as `LocalRows.segments` (RGB reads). */
interface Norm extends ResampleNorm {
  local: LocalRows | null;
  row: Array<{ offset: Float32Array; gain: Float32Array }>;
}

interface Planes {
  own: Float32Array[] | null;
  normalized: Float32Array[] | null;
}

/**
 * What no data reads as (validity 0, own 0, normalised `norm.zero`), written outside the sampled
 * rectangle [xa, xb) × [ya, yb) of window `w`: the planes of a shifted read are not prefilled whole.
 */
function fillBorder(
  p: Planes,
  valid: Uint8Array,
  norm: Norm | null,
  w: Window,
  xa: number,
  xb: number,
  ya: number,
  yb: number,
) {
  const spans: Array<[number, number]> = [];
  if (ya > 0) spans.push([0, ya * w.width]);
  if (xb > xa) {
    for (let y = ya; y < yb; y++) {
      if (xa > 0) spans.push([y * w.width, y * w.width + xa]);
      if (xb < w.width) spans.push([y * w.width + xb, (y + 1) * w.width]);
    }
  }
  if (yb < w.height) spans.push([Math.max(0, yb) * w.width, w.height * w.width]);
  for (const [a, b] of spans) {
    valid.fill(0, a, b);
    if (p.own) for (const plane of p.own) plane.fill(0, a, b);
    if (p.normalized) for (const [k, plane] of p.normalized.entries()) plane.fill(norm!.zero[k]!, a, b);
  }
}

function shiftedRgb(d: Uint8Array, valid: Uint8Array, row: ResampleRow, k: ResampleWeights, out: Float32Array[]): void {
  const { r0, r1, o0, xa, xb, ox } = row;
  const { k00, k10, k01, k11 } = k;
  const out0 = out[0]!;
  const out1 = out[1]!;
  const out2 = out[2]!;
  const dx3 = ox * 3;
  for (let x = xa; x < xb; x++) {
    const o = o0 + x;
    if (!valid[o]) {
      out0[o] = 0;
      out1[o] = 0;
      out2[o] = 0;
      continue;
    }
    const i00 = (r0 + x) * 3;
    const i01 = (r1 + x) * 3;
    const i10 = i00 + dx3;
    const i11 = i01 + dx3;
    out0[o] = k00 * d[i00]! + k10 * d[i10]! + k01 * d[i01]! + k11 * d[i11]!;
    out1[o] = k00 * d[i00 + 1]! + k10 * d[i10 + 1]! + k01 * d[i01 + 1]! + k11 * d[i11 + 1]!;
    out2[o] = k00 * d[i00 + 2]! + k10 * d[i10 + 2]! + k01 * d[i01 + 2]! + k11 * d[i11 + 2]!;
  }
}

/**
 * A shifted RGB row resampled and normalised in one pass: each sample through its local correction
 * (the row's `norm.segments`: offset and gain stepped along with the pixels in locals) and the tables.
 * Reads run `shiftedRgbNormalizedWasm` (shifted.ts), the same arithmetic in WebAssembly; this is the
 * reference its test compares with, bit for bit.
 */
export function shiftedRgbNormalized(
  d: Uint8Array,
  valid: Uint8Array,
  row: ResampleRow,
  k: ResampleWeights,
  own: Float32Array[] | null,
  out: Float32Array[],
  norm: Norm,
): void {
  const { r0, r1, o0, xa, xb, ox } = row;
  const { k00, k10, k01, k11 } = k;
  const out0 = out[0]!;
  const out1 = out[1]!;
  const out2 = out[2]!;
  const [l0, l1, l2] = norm.luts as [Float32Array, Float32Array, Float32Array];
  const [s0, s1, s2] = norm.steps as [Float64Array, Float64Array, Float64Array];
  const [z0, z1, z2] = norm.zero as [number, number, number];
  const seg = norm.segments;
  const rec = segmentFields(3);
  const dx3 = ox * 3;
  // The own planes as locals (the normalised ones when there are none: then never written).
  const keep = own !== null;
  const own0 = own ? own[0]! : out0;
  const own1 = own ? own[1]! : out1;
  const own2 = own ? own[2]! : out2;
  let x = xa;
  for (let s = 0; s < norm.segmentCount && x < xb; s++) {
    const q = s * rec;
    const end = Math.min(xb, seg[q + 1]!);
    if (end <= x) continue;
    const t = x - seg[q]!;
    const da0 = seg[q + 3]!;
    const dg0 = seg[q + 5]!;
    const da1 = seg[q + 7]!;
    const dg1 = seg[q + 9]!;
    const da2 = seg[q + 11]!;
    const dg2 = seg[q + 13]!;
    let a0 = seg[q + 2]! + t * da0;
    let g0 = seg[q + 4]! + t * dg0;
    let a1 = seg[q + 6]! + t * da1;
    let g1 = seg[q + 8]! + t * dg1;
    let a2 = seg[q + 10]! + t * da2;
    let g2 = seg[q + 12]! + t * dg2;
    // The left column of x's 2×2 is the right column of x − 1's (ox = 1): its six bytes are carried
    // from one pixel to the next rather than loaded again (ox = 0: both columns are x's own).
    let j = (r0 + x) * 3;
    let m = (r1 + x) * 3;
    let tl0 = d[j]!;
    let tl1 = d[j + 1]!;
    let tl2 = d[j + 2]!;
    let bl0 = d[m]!;
    let bl1 = d[m + 1]!;
    let bl2 = d[m + 2]!;
    for (; x < end; x++, j += 3, m += 3, a0 += da0, g0 += dg0, a1 += da1, g1 += dg1, a2 += da2, g2 += dg2) {
      const o = o0 + x;
      const tr0 = d[j + dx3]!;
      const tr1 = d[j + dx3 + 1]!;
      const tr2 = d[j + dx3 + 2]!;
      const br0 = d[m + dx3]!;
      const br1 = d[m + dx3 + 1]!;
      const br2 = d[m + dx3 + 2]!;
      if (dx3 === 0) {
        tl0 = tr0;
        tl1 = tr1;
        tl2 = tr2;
        bl0 = br0;
        bl1 = br1;
        bl2 = br2;
      }
      if (!valid[o]) {
        if (keep) {
          own0[o] = 0;
          own1[o] = 0;
          own2[o] = 0;
        }
        out0[o] = z0;
        out1[o] = z1;
        out2[o] = z2;
      } else {
        const v0 = Math.fround(k00 * tl0 + k10 * tr0 + k01 * bl0 + k11 * br0);
        const v1 = Math.fround(k00 * tl1 + k10 * tr1 + k01 * bl1 + k11 * br1);
        const v2 = Math.fround(k00 * tl2 + k10 * tr2 + k01 * bl2 + k11 * br2);
        if (keep) {
          own0[o] = v0;
          own1[o] = v1;
          own2[o] = v2;
        }
        out0[o] = normalizeLocal(v0, a0, g0, l0, s0);
        out1[o] = normalizeLocal(v1, a1, g1, l1, s1);
        out2[o] = normalizeLocal(v2, a2, g2, l2, s2);
      }
      tl0 = tr0;
      tl1 = tr1;
      tl2 = tr2;
      bl0 = br0;
      bl1 = br1;
      bl2 = br2;
    }
  }
}

/**
 * Without a local correction, the row is one segment of offset 0 and gain 1 (`LocalRows.segments`'
 * layout), which is `normalizeValue`'s arithmetic exactly.
 */
function identitySegment(nb: number, width: number): Float64Array {
  const seg = new Float64Array(segmentFields(nb));
  seg[1] = width;
  for (let b = 0; b < nb; b++) seg[4 + 4 * b] = 1;
  return seg;
}

/** One band of a shifted read of any band count, own and/or normalised. */
function shiftedBand(
  d: Uint8Array,
  valid: Uint8Array,
  row: ResampleRow,
  k: ResampleWeights,
  nb: number,
  b: number,
  own: Float32Array | undefined,
  normalized: Float32Array | undefined,
  norm: Norm | null,
): void {
  const { r0, r1, o0, xa, xb, ox } = row;
  const { k00, k10, k01, k11 } = k;
  const lut = norm?.luts[b];
  const step = norm?.steps[b];
  const zero = norm?.zero[b] ?? 0;
  const corr = norm?.local ? norm.row[b]! : null;
  for (let x = xa; x < xb; x++) {
    if (!valid[o0 + x]) {
      if (own) own[o0 + x] = 0;
      if (normalized) normalized[o0 + x] = zero;
      continue;
    }
    const i00 = (r0 + x) * nb + b;
    const i01 = (r1 + x) * nb + b;
    const i10 = i00 + ox * nb;
    const i11 = i01 + ox * nb;
    const value = Math.fround(k00 * d[i00]! + k10 * d[i10]! + k01 * d[i01]! + k11 * d[i11]!);
    if (own) own[o0 + x] = value;
    if (normalized) {
      normalized[o0 + x] = corr
        ? normalizeLocal(value, corr.offset[x]!, corr.gain[x]!, lut!, step!)
        : normalizeValue(value, lut!, step!);
    }
  }
}

/**
 * The sum of the bytes, four at a time where a word is all ones (a fully valid strip): a byte-by-byte
 * sum of the validity took ~0.3 s of the warp's thread at 100 MP.
 */
function sumBytes(a: Uint8Array): number {
  let sum = 0;
  let i = 0;
  if (a.byteOffset % 4 === 0) {
    const words = new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      if (w === 0x01010101) sum += 4;
      else if (w !== 0) sum += (w & 0xff) + ((w >>> 8) & 0xff) + ((w >>> 16) & 0xff) + (w >>> 24);
    }
    i = words.length << 2;
  }
  for (; i < a.length; i++) sum += a[i]!;
  return sum;
}

/** Whether every byte of `a` is 0 (four at a time where the bytes are word-aligned). */
function allZero(a: Uint8Array): boolean {
  let i = 0;
  if (a.byteOffset % 4 === 0) {
    const words = new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
    for (let k = 0; k < words.length; k++) if (words[k] !== 0) return false;
    i = words.length << 2;
  }
  for (; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

function readFully(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) throw new ProcessingError('truncated_image', 'analysis raster file ends early');
    done += n;
  }
}
