/**
 * HTTP-dates (RFC 9110, section 5.6.7), as Retry-After, Sunset and Deprecation send them.
 */

// The three HTTP-date forms of RFC 9110, section 5.6.7, each read into day, month, year and
// time. Date.parse alone is too lenient ("-1" is a date to V8) and reads asctime in local time.
// IMF-fixdate's day is two digits, but one digit is read too: MongoDB's versioning page shows
// Atlas's Deprecation and Sunset headers as "Wed, 1 Feb 2023 00:00:00 GMT"
// (https://www.mongodb.com/docs/atlas/api/versioned-api-overview/), and RFC 5322's date-time,
// which IMF-fixdate narrows, allows it.
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d?) ([A-Z][a-z]{2}) (\d{4}) (\d\d:\d\d:\d\d) GMT$/;
const RFC850_DATE =
  /^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d\d)-([A-Z][a-z]{2})-(\d\d) (\d\d:\d\d:\d\d) GMT$/;
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ( \d|\d\d) (\d\d:\d\d:\d\d) (\d{4})$/;

/** An HTTP-date in any of its three forms, as epoch milliseconds, or undefined. */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  let date: string;
  let m = IMF_FIXDATE.exec(value);
  if (m) date = `${m[1]!.padStart(2, "0")} ${m[2]} ${m[3]} ${m[4]} GMT`;
  else if ((m = ASCTIME_DATE.exec(value))) {
    date = `${m[2]!.trim().padStart(2, "0")} ${m[1]} ${m[4]} ${m[3]} GMT`;
  } else if ((m = RFC850_DATE.exec(value))) {
    // A two-digit year more than 50 years ahead means the most recent past century.
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    date = `${m[1]} ${m[2]} ${year} ${m[4]} GMT`;
  } else return undefined;
  const ms = Date.parse(date);
  // The date must come back unchanged from Date's own IMF-fixdate form: this refuses unknown
  // months, 31 Feb, 25:00:00 and the like, which Date would roll over.
  return new Date(ms).toUTCString().slice(5) === date ? ms : undefined;
}
