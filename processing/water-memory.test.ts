import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryHoldsOthers, memoryWaterOptions } from './detect.ts';
import {
  cropPlane,
  nextSightings,
  pastePlane,
  readWaterMemory,
  readWaterSightings,
  seenOnAtLeast,
  unseenOverDates,
  WATER_SEEN_DIR,
  writeWaterSightings,
} from './water-memory.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-water-memory-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('water memory', () => {
  it('counts the dates each pixel was seen as open water, from date to date', () => {
    const first = nextSightings(null, Uint8Array.from([1, 0, 1, 0]));
    const second = nextSightings(first, Uint8Array.from([1, 0, 0, 0]));
    expect([...second]).toEqual([2, 0, 1, 0]);
    expect([...seenOnAtLeast(second, 2)]).toEqual([1, 0, 0, 0]);
    // Saturates instead of wrapping round.
    expect([...nextSightings(Uint8Array.from([255]), Uint8Array.from([1]))]).toEqual([255]);
  });

  it('marks the places never seen as open water only once the memory holds as many dates as asked', () => {
    const sightings = Uint8Array.from([3, 0, 1, 0]);
    expect([...(unseenOverDates(sightings, 3) ?? [])]).toEqual([0, 1, 0, 1]);
    // Seen at most twice: a memory begun two dates ago, which cannot speak for three.
    expect(unseenOverDates(Uint8Array.from([2, 0, 1, 0]), 3)).toBeUndefined();
  });

  it("speaks against the other dates' water only where it holds those dates (all earlier than this one)", () => {
    const sightings = Uint8Array.from([6, 0, 6, 0]);
    expect([...(memoryWaterOptions(sightings, 3, true).neverSeen ?? [])]).toEqual([0, 1, 0, 1]);
    // A date analysed after later ones (imagery uploaded out of order) votes with dates the memory,
    // which runs up to the previous date, has not seen: their water is not refused, the memory's own kept.
    const unheld = memoryWaterOptions(sightings, 3, false);
    expect(unheld.neverSeen).toBeUndefined();
    expect([...(unheld.seen ?? [])]).toEqual([1, 0, 1, 0]);
  });

  it('reads back the kept window, nothing outside it, and null without a file', async () => {
    const kept = { x: 10, y: 20, width: 4, height: 3 };
    const plane = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
    await writeWaterSightings(dir, 'pier-1', kept, plane);
    // The zone redrawn since: a window that overlaps the kept one by a 2 × 2 corner.
    const read = readWaterSightings(dir, 'pier-1', { x: 12, y: 21, width: 3, height: 3 });
    expect([...read!]).toEqual([7, 8, 0, 11, 12, 0, 0, 0, 0]);
    expect(readWaterSightings(dir, 'pier-2', kept)).toBeNull();
    expect(readWaterMemory(dir, 'pier-1', kept)?.kept).toEqual(kept);
    // Its "never seen" speaks only for the window it kept, and for dates it holds.
    const memory = { from: dir, to: null, holdsOthers: true };
    expect(memoryHoldsOthers(memory, kept, kept)).toBe(true);
    expect(memoryHoldsOthers(memory, kept, { ...kept, width: 5 })).toBe(false);
    expect(memoryHoldsOthers({ ...memory, holdsOthers: false }, kept, kept)).toBe(false);
    expect(readWaterSightings(null, 'pier-1', kept)).toBeNull();
    // A file that is not ours (or was cut short) is no memory.
    await writeFile(join(dir, WATER_SEEN_DIR, 'pier-3.raw'), 'not a water memory');
    expect(readWaterSightings(dir, 'pier-3', kept)).toBeNull();
  });

  it('crops and pastes sub-windows', () => {
    const from = { x: 5, y: 5, width: 4, height: 3 };
    const plane = Uint8Array.from({ length: 12 }, (_, i) => i);
    const part = cropPlane(plane, from, { x: 6, y: 6, width: 2, height: 2 });
    expect([...part]).toEqual([5, 6, 9, 10]);
    const into = new Uint8Array(12);
    pastePlane(into, from, part, { x: 7, y: 5, width: 2, height: 2 });
    expect([...into]).toEqual([0, 0, 5, 6, 0, 0, 9, 10, 0, 0, 0, 0]);
  });
});
