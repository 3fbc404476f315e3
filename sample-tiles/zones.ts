/** The analyst's zones of the synthetic port, drawn roughly by hand (jittered), and their GeoJSON form. */
import type { ZoneCollection } from '../contract/index.ts';
import { toLonLat } from './geo.ts';
import type { Layout, PixelZone, Pt, Strip, Track } from './layout.ts';
import { type Rng, uniform } from './random.ts';

/** Moves each vertex by up to `j` pixels: zones are drawn by hand, roughly. */
function jitter(rng: Rng, ring: Pt[], j: number): Pt[] {
  const out = ring.map(([x, y]): Pt => [Math.round(x + uniform(rng, -j, j)), Math.round(y + uniform(rng, -j, j))]);
  out.push(out[0]!);
  return out;
}

/** Zones in reference pixels: berths over each pier and the east quay, the anchorage, rail, water and ignore. */
export function drawZones(rng: Rng, piers: Strip[], anchorage: Pt[], tracks: Track[], siding: Track): PixelZone[] {
  const zones: PixelZone[] = [];
  for (const [i, p] of piers.entries()) {
    // Roughly: the pier, ~75 m of water each side, a little quay and shore behind it.
    const c = Math.cos(p.angle);
    const s = Math.sin(p.angle);
    const at = (u: number, v: number): Pt => [p.root[0] + u * c - v * s, p.root[1] + u * s + v * c];
    const h = p.width / 2 + 78;
    zones.push({
      id: p.id,
      name: `Pier ${i + 1}`,
      kind: 'berth',
      ring: jitter(rng, [at(-25, -h), at(p.length + 45, -h), at(p.length + 45, h), at(-25, h)], 6),
    });
  }
  zones.push({
    id: 'east-quay',
    name: 'East quay berth',
    kind: 'berth',
    ring: jitter(
      rng,
      [
        [1612, 578],
        [1862, 575],
        [1868, 690],
        [1608, 694],
      ],
      5,
    ),
  });
  zones.push({ id: 'anchorage', name: 'Outer anchorage', kind: 'anchorage', ring: jitter(rng, anchorage, 8) });
  const ys = tracks.map((t) => t.a[1]);
  const y0 = Math.min(...ys) - 7;
  const y1 = Math.max(...ys) + 7;
  zones.push({
    id: 'rail-yard',
    name: 'Rail yard',
    kind: 'rail',
    ring: [
      [652, y0],
      [1468, y0],
      [1468, y1],
      [652, y1],
      [652, y0],
    ],
  });
  zones.push({ id: 'quay-siding', name: 'Quay siding', kind: 'rail', line: [siding.a, siding.b] });
  zones.push({
    id: 'inner-harbour',
    name: 'Inner harbour (west basin)',
    kind: 'water',
    ring: jitter(
      rng,
      [
        [235, 640],
        [455, 640],
        [455, 930],
        [160, 930],
      ],
      5,
    ),
  });
  zones.push({
    id: 'pier-2-cranes',
    name: 'Pier 2 crane rails',
    kind: 'ignore',
    ring: jitter(
      rng,
      [
        [992, 680],
        [1048, 680],
        [1048, 905],
        [992, 905],
      ],
      2,
    ),
  });
  return zones;
}

/** Zones as an RFC 7946 FeatureCollection in lon/lat. */
export function zonesGeoJson(layout: Layout): ZoneCollection {
  return {
    type: 'FeatureCollection',
    features: layout.zones.map((z) => {
      const props = { id: z.id, name: z.name, kind: z.kind };
      if (z.line) {
        const coords = z.line.map(([x, y]) => toLonLat(layout, x, y));
        return {
          type: 'Feature' as const,
          properties: props,
          geometry: { type: 'LineString' as const, coordinates: coords },
        };
      }
      const ring = (z.ring ?? []).map(([x, y]) => toLonLat(layout, x, y));
      return {
        type: 'Feature' as const,
        properties: props,
        geometry: { type: 'Polygon' as const, coordinates: [ring] },
      };
    }),
  };
}
