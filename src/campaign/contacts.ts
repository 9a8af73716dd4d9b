import { parse } from 'csv-parse/sync';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { timeZoneForNumber } from './timezone';

/** One callable contact: a row that passed every check. */
export interface Contact {
  /** The CSV line the row starts on (the header is line 1). */
  line: number;
  /** E.164, as Twilio's `To` takes it. */
  phone: string;
  name?: string;
  /** IANA zone the calling window is computed in: the row's own, else the number's. */
  timeZone: string;
  /** Every other column, passed to the IVR. */
  variables: Record<string, string>;
}

/** A row that will never be dialed, and why. */
export interface RejectedRow {
  line: number;
  reason: string;
}

const PHONE_COLUMNS = ['phone', 'phone_number', 'number', 'to', 'mobile'];
const NAME_COLUMNS = ['name', 'full_name'];
const ZONE_COLUMNS = ['time_zone', 'timezone', 'tz'];
/** Variables reach workflow inputs and TwiML: bounded so one row cannot bloat history. */
const MAX_VALUE = 500;
const MAX_COLUMNS = 50;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface Columns {
  header: string[];
  phone: number;
  name: number;
  zone: number;
}

function columnsOf(header: string[]): Columns {
  const names = header.map((h) => h.trim());
  const keys = names.map((h) => h.toLowerCase().replace(/[\s-]+/g, '_'));
  const seen = new Set<string>();
  for (const [i, key] of keys.entries()) {
    if (key === '') throw new Error(`contacts CSV: column ${i + 1} of the header has no name`);
    if (seen.has(key)) throw new Error(`contacts CSV: column "${names[i]}" appears twice`);
    seen.add(key);
  }
  if (names.length > MAX_COLUMNS) throw new Error(`contacts CSV: more than ${MAX_COLUMNS} columns`);
  const phone = keys.findIndex((k) => PHONE_COLUMNS.includes(k));
  if (phone === -1) {
    throw new Error(
      `contacts CSV: the first line must be a header naming a phone column (${PHONE_COLUMNS.join(', ')})`,
    );
  }
  return {
    header: names,
    phone,
    name: keys.findIndex((k) => NAME_COLUMNS.includes(k)),
    zone: keys.findIndex((k) => ZONE_COLUMNS.includes(k)),
  };
}

function e164Of(raw: string, defaultCountry: string | undefined): string | string[] {
  if (raw === '') return ['no phone number'];
  const parsed = parsePhoneNumberFromString(raw, {
    ...(defaultCountry ? { defaultCountry: defaultCountry as CountryCode } : {}),
    extract: false,
  });
  if (!parsed) {
    return [
      raw.startsWith('+') || defaultCountry
        ? `"${raw}" is not a phone number`
        : `"${raw}" has no country code (write it as +<country><number>, or set a default country)`,
    ];
  }
  if (!parsed.isValid())
    return [
      `"${raw}" is not a valid number in ${parsed.country ?? `+${parsed.countryCallingCode}`}`,
    ];
  return parsed.number;
}

/**
 * Reads a contact list. The header names the columns: a phone column (phone, number, to…), and
 * optionally name and time_zone; every other column becomes an IVR variable. Every row is checked:
 * the number must be valid (libphonenumber-js) and is written E.164; the time zone is the row's
 * (a valid IANA name) or derived from the number, and a row with neither is rejected rather than
 * called at a guessed hour; a number seen before is rejected as a duplicate of its first line.
 * Throws, naming the line, only when the file itself is not CSV or has no usable header.
 */
export function parseContacts(
  csv: string,
  opts: { defaultCountry?: string } = {},
): { contacts: Contact[]; rejected: RejectedRow[] } {
  const text = csv.replace(/\r\n?/g, '\n');
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof rows;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new Error(`contacts CSV${line ? ` line ${line}` : ''}: ${(err as Error).message}`);
  }
  const [head, ...body] = rows;
  if (!head) return { contacts: [], rejected: [] };
  const columns = columnsOf(head.record);
  const contacts: Contact[] = [];
  const rejected: RejectedRow[] = [];
  const firstLine = new Map<string, number>();
  for (const row of body) {
    // info.lines is where the record ends; newlines inside it can only be in quoted fields.
    const inside = row.record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
    const line = row.info.lines - inside;
    const reason = checkRow(row.record, columns, opts.defaultCountry, firstLine, line);
    if (typeof reason === 'string') rejected.push({ line, reason });
    else contacts.push(reason);
  }
  return { contacts, rejected };
}

function checkRow(
  record: string[],
  columns: Columns,
  defaultCountry: string | undefined,
  firstLine: Map<string, number>,
  line: number,
): Contact | string {
  if (record.length !== columns.header.length) {
    return `has ${record.length} fields; the header has ${columns.header.length}`;
  }
  const values = record.map((v) => v.trim());
  const long = values.findIndex((v) => v.length > MAX_VALUE);
  if (long !== -1) return `${columns.header[long]} is longer than ${MAX_VALUE} characters`;
  const phone = e164Of(values[columns.phone] ?? '', defaultCountry);
  if (typeof phone !== 'string') return phone[0] ?? 'bad phone number';
  const seen = firstLine.get(phone);
  if (seen !== undefined) return `duplicate of line ${seen} (${phone})`;
  const given = columns.zone === -1 ? '' : (values[columns.zone] ?? '');
  if (given !== '' && !isTimeZone(given)) return `"${given}" is not an IANA time zone`;
  const timeZone = given || timeZoneForNumber(phone);
  if (!timeZone) {
    return `the time zone of ${phone} cannot be told from the number; give one in a time_zone column`;
  }
  firstLine.set(phone, line);
  const variables: Record<string, string> = {};
  for (const [i, name] of columns.header.entries()) {
    if (i !== columns.phone && i !== columns.name && i !== columns.zone)
      variables[name] = values[i] ?? '';
  }
  const name = columns.name === -1 ? '' : (values[columns.name] ?? '');
  return { line, phone, ...(name ? { name } : {}), timeZone, variables };
}
