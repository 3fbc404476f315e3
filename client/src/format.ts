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

/** `09:12 UTC` from an RFC 3339 time. */
export function utcTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

/** The UTC days on which more than one of `dates` was taken. */
export function sharedDays(dates: readonly { acquiredAt: string }[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const d of dates) {
    const k = day(d.acquiredAt);
    if (seen.has(k)) shared.add(k);
    seen.add(k);
  }
  return shared;
}

/**
 * A date as lists and the slider name it: `14 Mar 2026`, with its UTC time when another date of the site
 * was taken the same day (two passes a day otherwise read alike in the slider, compare and heat-map lists).
 */
export function dateLabel(iso: string, shared: ReadonlySet<string>): string {
  return shared.has(day(iso)) ? `${longDay(iso)} ${utcTime(iso)}` : longDay(iso);
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
