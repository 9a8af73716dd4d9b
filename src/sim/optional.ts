/** `{ [key]: value }` when the value exists, else `{}` (exactOptionalPropertyTypes-friendly spreads). */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
