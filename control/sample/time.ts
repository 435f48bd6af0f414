// Timestamps of the sample as text, from epoch seconds and a UTC offset in minutes; no locale, no
// time-zone database, so the text is the same on every machine.

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const twoDigits = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

// Formatting runs for every record: the date of the last day formatted is kept, the time of day
// is built from a table, and no Date is made for records of the same day.
let lastDay = Number.NaN;
let lastDate = '';

/** `YYYY-MM-DDTHH:MM:SS` of the wall-clock time at that offset, for whole epoch seconds. */
export function localDateTime(epochSeconds: number, offsetMinutes = 0): string {
  const local = epochSeconds + offsetMinutes * 60;
  const day = Math.floor(local / 86_400);
  if (day !== lastDay) {
    lastDay = day;
    lastDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  const second = local - day * 86_400;
  return `${lastDate}T${twoDigits[Math.floor(second / 3600)]}:${twoDigits[Math.floor(second / 60) % 60]}:${twoDigits[second % 60]}`;
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

/** `dd/Mon/yyyy:HH:mm:ss ±zzzz`, what `clfTimeParts` gives put together. */
export function clfTime(epochSeconds: number, offsetMinutes: number): string {
  const local = localDateTime(epochSeconds, offsetMinutes);
  return `${local.slice(8, 10)}/${months[Number(local.slice(5, 7)) - 1]}/${local.slice(0, 4)}:${local.slice(11, 19)} ${offsetText(offsetMinutes, false)}`;
}

/** Epoch seconds of the first instant of a UTC month (`month` 1–12; overflow rolls into the next year). */
export function monthStart(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1) / 1000;
}

/** Epoch seconds of midnight UTC, `days` after 1 May 2024. */
export function dayStart(days: number): number {
  return Date.UTC(2024, 4, 1 + days) / 1000;
}

/** 01:00 UTC on the last Sunday of a month (`month` 0–11), in epoch seconds. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1) / 1000;
}

// The year of the last call, its bounds and its summer time: records come in time order.
let year = { start: 0, end: 0, summerStart: 0, summerEnd: 0 };

/** Paris wall-clock offset of that instant (+01:00 in winter, +02:00 in summer), in minutes. */
export function parisOffset(epochSeconds: number): number {
  if (epochSeconds < year.start || epochSeconds >= year.end) {
    const utcYear = new Date(epochSeconds * 1000).getUTCFullYear();
    // Summer time runs from the last Sunday of March to the last Sunday of October.
    year = {
      start: Date.UTC(utcYear, 0, 1) / 1000,
      end: Date.UTC(utcYear + 1, 0, 1) / 1000,
      summerStart: lastSunday(utcYear, 2),
      summerEnd: lastSunday(utcYear, 9),
    };
  }
  return epochSeconds >= year.summerStart && epochSeconds < year.summerEnd ? 120 : 60;
}
