// Timestamps of the sample as text, from epoch seconds and a UTC offset in minutes; no locale, no
// time-zone database, so the text is the same on every machine.

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `YYYY-MM-DDTHH:MM:SS` of the wall-clock time at that offset. */
export function localDateTime(epochSeconds: number, offsetMinutes = 0): string {
  return new Date((epochSeconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
}

/** `+02:00` (ISO-8601) or, without colon, `+0200` (Apache logs). */
export function offsetText(offsetMinutes: number, colon: boolean): string {
  const magnitude = Math.abs(offsetMinutes);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(magnitude % 60).padStart(2, '0');
  return `${offsetMinutes < 0 ? '-' : '+'}${hours}${colon ? ':' : ''}${minutes}`;
}

/** Parts of the Apache time `dd/Mon/yyyy:HH:mm:ss ±zzzz`, to build valid and broken ones. */
export function clfTimeParts(epochSeconds: number, offsetMinutes: number) {
  const local = localDateTime(epochSeconds, offsetMinutes);
  return {
    day: local.slice(8, 10),
    month: months[Number(local.slice(5, 7)) - 1] as string,
    monthNumber: local.slice(5, 7),
    year: local.slice(0, 4),
    time: local.slice(11, 19),
    zone: offsetText(offsetMinutes, false),
  };
}

export function clfTime(epochSeconds: number, offsetMinutes: number): string {
  const p = clfTimeParts(epochSeconds, offsetMinutes);
  return `${p.day}/${p.month}/${p.year}:${p.time} ${p.zone}`;
}

/** Epoch seconds of the first instant of a UTC month (`month` 1–12; overflow rolls into the next year). */
export function monthStart(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1) / 1000;
}

/** Epoch seconds of midnight UTC, `days` after 1 May 2024. */
export function dayStart(days: number): number {
  return Date.UTC(2024, 4, 1 + days) / 1000;
}

/** Paris wall-clock offset of that instant (+01:00 in winter, +02:00 in summer), in minutes. */
export function parisOffset(epochSeconds: number): number {
  const year = new Date(epochSeconds * 1000).getUTCFullYear();
  // Summer time runs from the last Sunday of March to the last Sunday of October, 01:00 UTC.
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1) / 1000;
  };
  return epochSeconds >= lastSunday(2) && epochSeconds < lastSunday(9) ? 120 : 60;
}
