/**
 * The first place a zone's outline crosses or touches itself, or null. The same pairs and the same
 * crossing test as turf `kinks` (adjacent segments of a line and the closing pair of a ring are not
 * compared; a touch at a vertex counts; collinear overlaps, where the test has no single point, do not),
 * but it stops at the first crossing and compares only segments whose x ranges overlap (sorted by their
 * left end). kinks lists every crossing of every pair: a ring crossing itself everywhere cost n²/2
 * points (0.8 GB at 2,000 positions), which is what capped a zone's positions.
 */
type Position = readonly number[];

/** Where segments p1-p2 and p3-p4 meet (ends included), or null; parallel segments never meet here. */
function meet(p1: Position, p2: Position, p3: Position, p4: Position): [number, number] | null {
  const x1 = p1[0]!;
  const y1 = p1[1]!;
  const dx1 = p2[0]! - x1;
  const dy1 = p2[1]! - y1;
  const dx2 = p4[0]! - p3[0]!;
  const dy2 = p4[1]! - p3[1]!;
  const den = dy2 * dx1 - dx2 * dy1;
  if (den === 0) return null;
  const ay = y1 - p3[1]!;
  const ax = x1 - p3[0]!;
  // Written as kinks writes it, so a crossing at a segment's end is judged alike to the last bit.
  const t = (dx2 * ay - dy2 * ax) / den;
  const u = (dx1 * ay - dy1 * ax) / den;
  if (t < 0 || t > 1 || u < 0 || u > 1) return null;
  return [x1 + t * dx1, y1 + t * dy1];
}

interface Segment {
  line: number;
  index: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/**
 * The first self-intersection among `lines` (the rings of a Polygon, of every polygon of a MultiPolygon,
 * or the parts of a MultiLineString, taken together as kinks takes them), or null.
 */
export function firstSelfIntersection(given: readonly (readonly Position[])[]): [number, number] | null {
  // A repeated vertex (charts and OSM outlines have them, a doubled closing vertex too) makes a zero-length
  // segment whose neighbours then touch at it as non-adjacent segments: kinks refused such outlines as
  // crossing themselves, which they do not.
  const lines = given.map(withoutRepeats);
  const segments: Segment[] = [];
  lines.forEach((line, l) => {
    for (let i = 0; i + 1 < line.length; i++) {
      const a = line[i]!;
      const b = line[i + 1]!;
      segments.push({
        line: l,
        index: i,
        minX: Math.min(a[0]!, b[0]!),
        maxX: Math.max(a[0]!, b[0]!),
        minY: Math.min(a[1]!, b[1]!),
        maxY: Math.max(a[1]!, b[1]!),
      });
    }
  });
  segments.sort((s, t) => s.minX - t.minX);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    for (let j = i + 1; j < segments.length; j++) {
      const t = segments[j]!;
      // Sorted by left end: once one starts right of s, so do the rest.
      if (t.minX > s.maxX) break;
      if (t.minY > s.maxY || t.maxY < s.minY) continue;
      if (s.line === t.line && !compared(lines[s.line]!, s.index, t.index)) continue;
      // The point is taken along the segment kinks takes it along (the one of lower index in its line,
      // whichever line), so it is the same to the last bit.
      const [a, b] = s.index <= t.index ? [s, t] : [t, s];
      const p = lines[a.line]!;
      const q = lines[b.line]!;
      const at = meet(p[a.index]!, p[a.index + 1]!, q[b.index]!, q[b.index + 1]!);
      if (at) return at;
    }
  }
  return null;
}

/** Whether kinks compares segments i and k of one line: not neighbours, nor a closed ring's first and last. */
function compared(line: readonly Position[], i: number, k: number): boolean {
  const lo = Math.min(i, k);
  const hi = Math.max(i, k);
  if (hi - lo === 1) return false;
  const first = line[0]!;
  const last = line[line.length - 1]!;
  const closed = first[0] === last[0] && first[1] === last[1];
  return !(closed && lo === 0 && hi === line.length - 2);
}

/** `line` without consecutive equal positions (the first of each run kept). */
function withoutRepeats(line: readonly Position[]): readonly Position[] {
  const out = line.filter((p, i) => i === 0 || p[0] !== line[i - 1]![0] || p[1] !== line[i - 1]![1]);
  return out.length === line.length ? line : out;
}
