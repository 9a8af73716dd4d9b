const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/** Twilio writes dates as RFC 2822 in UTC with a numeric zone: `Tue, 31 Aug 2010 20:36:28 +0000`. */
export function rfc2822(date: Date): string {
  const day = DAYS[date.getUTCDay()] ?? 'Sun';
  const month = MONTHS[date.getUTCMonth()] ?? 'Jan';
  return `${day}, ${two(date.getUTCDate())} ${month} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

export function rfc2822OrNull(date: Date | undefined): string | null {
  return date ? rfc2822(date) : null;
}
