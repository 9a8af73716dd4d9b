/** `+14155550123` → `+1415****123`: numbers appear masked in memos, summaries and logs. */
export function maskPhone(number: string): string {
  if (!/^\+\d{8,15}$/.test(number)) return number.replace(/\d(?=\d{3})/g, '*');
  return `${number.slice(0, 5)}${'*'.repeat(number.length - 8)}${number.slice(-3)}`;
}
