// Formatting of dates and score values for display; null is never rendered as zero.

/** `2026-03-14` from an RFC 3339 time (UTC). */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

/** `14 Mar 2026` in UTC, for headings. */
export function longDay(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** `Mar 26` for tick labels. */
export function shortMonth(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString('en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' });
}

export function int(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : String(Math.round(v));
}

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)} %`;
}

export function area(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return v >= 10_000 ? `${(v / 10_000).toFixed(2)} ha` : `${Math.round(v).toLocaleString('en-GB')} m²`;
}

export function metres(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${v.toFixed(v < 10 ? 2 : 1)} m`;
}

/**
 * A label of the chart's time axis at `ts` (unix seconds) for ticks `incrS` seconds apart, in UTC as every
 * other date on screen: `Jan 2025` / `Feb` for month ticks (the year on January and the first tick),
 * `14 Jan` for finer ones. Never a locale's numeric `1/14`, which reads as 1 February to most analysts.
 */
export function axisDate(ts: number, incrS: number, first: boolean): string {
  const d = new Date(ts * 1000);
  if (incrS >= 28 * 86_400) {
    const month = d.toLocaleDateString('en-GB', { month: 'short', timeZone: 'UTC' });
    return first || d.getUTCMonth() === 0 ? `${month} ${d.getUTCFullYear()}` : month;
  }
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}
