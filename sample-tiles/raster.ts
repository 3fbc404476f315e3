/** The float RGB canvas the synthetic scene is painted on, and anti-aliased painting of shapes in a local frame. */

/** Linear reflectance planes 0..1 plus the id of the changeable object covering each pixel (0 = static ground). */
export interface Canvas {
  width: number;
  height: number;
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
  ids: Int32Array;
}

export function createCanvas(width: number, height: number): Canvas {
  const n = width * height;
  return {
    width,
    height,
    r: new Float32Array(n),
    g: new Float32Array(n),
    b: new Float32Array(n),
    ids: new Int32Array(n),
  };
}

export function cloneCanvas(c: Canvas): Canvas {
  return { width: c.width, height: c.height, r: c.r.slice(), g: c.g.slice(), b: c.b.slice(), ids: c.ids.slice() };
}

/**
 * An object's local frame: u runs along `angle` (radians from +x towards +y) from the centre,
 * v runs across it (+v = +angle + 90°). `halfU`/`halfV` bound the shape, for the pixel loop.
 */
export interface Frame {
  cx: number;
  cy: number;
  angle: number;
  halfU: number;
  halfV: number;
}

/** Scratch colour a shader writes: rgb, and alpha (coverage of this sample, 0..1). */
export interface Sample {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Writes the colour of local point (u, v) into `out` (a = 0 outside the shape). */
export type Shader = (u: number, v: number, out: Sample) => void;

export type PaintMode = 'over' | 'multiply';

/** Sub-samples per pixel side: 2×2 anti-aliases edges and sub-metre gaps at a quarter of the cost of 4×4. */
const SS = 2;

/**
 * Paints a shape with SS×SS supersampling. Mode `over` composites the shader's colour by its
 * coverage; `multiply` scales what is there (shadows). With `id`, pixels covered ≥ 50 % take it.
 */
export function paint(canvas: Canvas, frame: Frame, shader: Shader, mode: PaintMode = 'over', id = 0): void {
  const { cx, cy, angle, halfU, halfV } = frame;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const ex = Math.abs(cos) * halfU + Math.abs(sin) * halfV;
  const ey = Math.abs(sin) * halfU + Math.abs(cos) * halfV;
  const x0 = Math.max(0, Math.floor(cx - ex - 1));
  const x1 = Math.min(canvas.width - 1, Math.ceil(cx + ex + 1));
  const y0 = Math.max(0, Math.floor(cy - ey - 1));
  const y1 = Math.min(canvas.height - 1, Math.ceil(cy + ey + 1));
  const s: Sample = { r: 0, g: 0, b: 0, a: 0 };
  const inv = 1 / (SS * SS);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let ar = 0;
      let ag = 0;
      let ab = 0;
      let aa = 0;
      for (let sy = 0; sy < SS; sy++) {
        // Pixel (x, y) covers [x, x+1) × [y, y+1); sample at sub-cell centres.
        const py = y + (sy + 0.5) / SS - cy;
        for (let sx = 0; sx < SS; sx++) {
          const px = x + (sx + 0.5) / SS - cx;
          const u = px * cos + py * sin;
          const v = -px * sin + py * cos;
          if (u < -halfU || u > halfU || v < -halfV || v > halfV) continue;
          s.a = 0;
          shader(u, v, s);
          if (s.a <= 0) continue;
          ar += s.r * s.a;
          ag += s.g * s.a;
          ab += s.b * s.a;
          aa += s.a;
        }
      }
      if (aa <= 0) continue;
      const i = y * canvas.width + x;
      const cov = aa * inv;
      const r = ar / aa;
      const g = ag / aa;
      const b = ab / aa;
      if (mode === 'over') {
        canvas.r[i] = canvas.r[i]! * (1 - cov) + r * cov;
        canvas.g[i] = canvas.g[i]! * (1 - cov) + g * cov;
        canvas.b[i] = canvas.b[i]! * (1 - cov) + b * cov;
      } else {
        canvas.r[i] = canvas.r[i]! * (1 - cov + r * cov);
        canvas.g[i] = canvas.g[i]! * (1 - cov + g * cov);
        canvas.b[i] = canvas.b[i]! * (1 - cov + b * cov);
      }
      if (id !== 0 && cov >= 0.5) canvas.ids[i] = id;
    }
  }
}

/** A solid rectangle shader of uniform colour. */
export function solid(r: number, g: number, b: number): Shader {
  return (_u, _v, out) => {
    out.r = r;
    out.g = g;
    out.b = b;
    out.a = 1;
  };
}

/** Point-in-polygon by ray crossing; `ring` is [x, y] pairs in pixels (closing point optional). */
export function insideRing(x: number, y: number, ring: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance from (x, y) to segment a–b. */
export function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : Math.min(v, 1);
}

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
}

/** Convex hull of points (Andrew's monotone chain), counter-clockwise in y-down pixels is irrelevant: edges only. */
function convexHull(points: readonly (readonly [number, number])[]): [number, number][] {
  const pts = points.map(([x, y]): [number, number] => [x, y]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Paints a convex polygon (pixel coordinates) with one colour, `over` or `multiply`. Used for
 * shadows: the shadow of a prism is the hull of its footprint and the footprint moved by the shadow vector.
 */
export function paintConvex(
  canvas: Canvas,
  polygon: readonly (readonly [number, number])[],
  rgb: readonly [number, number, number],
  mode: PaintMode = 'over',
): void {
  const hull = convexHull(polygon);
  if (hull.length < 3) return;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [x, y] of hull) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  // Edges as half-planes in frame coordinates (frame angle 0, so u = x - cx, v = y - cy).
  const edges = hull.map(([ax, ay], i) => {
    const [bx, by] = hull[(i + 1) % hull.length]!;
    return [ax - cx, ay - cy, bx - ax, by - ay] as const;
  });
  const sign = Math.sign(
    hull.reduce((s, [ax, ay], i) => {
      const [bx, by] = hull[(i + 1) % hull.length]!;
      return s + (ax * by - bx * ay);
    }, 0),
  );
  const [r, g, b] = rgb;
  paint(
    canvas,
    { cx, cy, angle: 0, halfU: (x1 - x0) / 2, halfV: (y1 - y0) / 2 },
    (u, v, out) => {
      for (const [ex, ey, dx, dy] of edges) {
        if (sign * (dx * (v - ey) - dy * (u - ex)) < 0) return;
      }
      out.r = r;
      out.g = g;
      out.b = b;
      out.a = 1;
    },
    mode,
  );
}
