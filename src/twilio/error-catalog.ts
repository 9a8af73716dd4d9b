import { CATALOG_DATA } from './error-catalog-data';

/** One Twilio error or warning code, or a SIP response, with what an operator should do about it. */
export interface CatalogEntry {
  /** Twilio's numeric code as a string ('11200'), or 'SIP <status>' for SIP responses. */
  code: string;
  kind: 'error' | 'warning' | 'sip';
  title: string;
  meaning: string;
  cause: string;
  fix: string;
}

/** Every catalogued code, Twilio codes first in numeric order, then SIP responses. */
export const ERROR_CATALOG: readonly CatalogEntry[] = CATALOG_DATA;

const byCode: ReadonlyMap<string, CatalogEntry> = new Map(
  ERROR_CATALOG.map((entry) => [entry.code, entry]),
);

/** A SIP response by status (488), as the catalog's `SIP 488` entry. */
export function explainSipStatus(status: number): CatalogEntry | undefined {
  return byCode.get(`SIP ${status}`);
}

/**
 * The entry for a Twilio code ('20003', 20003, ' 20003 ') or a SIP response written 'SIP 488'.
 * A bare number is always a Twilio code: Twilio's 5-digit codes never collide with SIP statuses,
 * but callers with a SIP status should use `explainSipStatus` to say so.
 */
export function explainTwilioCode(code: string | number): CatalogEntry | undefined {
  const key = String(code).trim();
  const sip = /^sip\s*(\d{3})$/i.exec(key);
  if (sip?.[1] !== undefined) return explainSipStatus(Number(sip[1]));
  return byCode.get(key);
}

/** One line for logs and CLIs: "20003 Authentication failed — fix: …". */
export function describeTwilioCode(code: string | number): string {
  const entry = explainTwilioCode(code);
  if (entry === undefined) return `Twilio code ${String(code).trim()} (not in the catalog)`;
  return `${entry.code} ${entry.title} — fix: ${entry.fix}`;
}
