/** Activity results cross Temporal as JSON: dates go as ISO strings, absent ones as null. */
export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
