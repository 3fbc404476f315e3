/**
 * How many of a site's other dates an analysis reads (the ones nearest in time): water is water on
 * every date, ships move. The server's catalogue reads it too, to know when a site's first date has
 * the dates it would read (processing/series.ts, server/store/sqlite-catalog.ts).
 */
export const OTHER_DATES = 3;
