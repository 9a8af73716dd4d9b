import { spokenValue, variableName, type IvrVariables } from '../../workflows/ivr/variables';
import { contactOfAttempt } from '../../workflows/shared/ids';
import type { Db } from '../db/pool';

/** A contact row as `campaign_contacts` keeps it: the name column apart, every other column. */
export interface ContactRow {
  name: string | null;
  variables: Record<string, unknown>;
}

/**
 * What a contact's call may say about them: each extra CSV column by its variable name (`Balance
 * Due` → `balance_due`), and `name`. Blank values and columns whose header makes no name are left
 * out; undefined when nothing is left, so the call's input carries no variables at all.
 */
export function variablesOf(row: ContactRow): IvrVariables | undefined {
  const out: IvrVariables = {};
  for (const [header, raw] of Object.entries(row.variables)) {
    const name = variableName(header);
    const value = typeof raw === 'string' ? spokenValue(raw) : '';
    if (name && value) out[name] = value;
  }
  const name = spokenValue(row.name ?? '');
  if (name) out.name = name;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The variables of the contact an attempt workflow calls (`outbound-{campaignId}-{contactId}`),
 * from its row; undefined when the id names no stored contact.
 */
export async function contactVariables(db: Db, attempt: string): Promise<IvrVariables | undefined> {
  const contact = contactOfAttempt(attempt);
  if (!contact) return undefined;
  const { rows } = await db.query<ContactRow>(
    'SELECT name, variables FROM campaign_contacts WHERE campaign_id = $1 AND contact_id = $2',
    [contact.campaignId, contact.contactId],
  );
  const row = rows[0];
  return row ? variablesOf(row) : undefined;
}
