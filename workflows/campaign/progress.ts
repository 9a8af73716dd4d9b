/**
 * A campaign's counters. Pure: the campaign workflow folds each attempt's report in, and the CLI
 * renders them; they ride across continue-as-new in the carry.
 */

/** How a contact ended. `busy`, `no-answer` and `failed` are the final try's status. */
export type ContactOutcome =
  'answered' | 'machine' | 'busy' | 'no-answer' | 'failed' | 'suppressed' | 'capped' | 'canceled';

export interface Progress {
  total: number;
  /** Calls created (every try counts). */
  dialed: number;
  answered: number;
  machine: number;
  busy: number;
  noAnswer: number;
  failed: number;
  smsSent: number;
  suppressed: number;
  capped: number;
  canceled: number;
  /** Contacts in a final state. */
  done: number;
}

export function emptyProgress(total: number): Progress {
  return {
    total,
    dialed: 0,
    answered: 0,
    machine: 0,
    busy: 0,
    noAnswer: 0,
    failed: 0,
    smsSent: 0,
    suppressed: 0,
    capped: 0,
    canceled: 0,
    done: 0,
  };
}

const COUNTER: Record<ContactOutcome, keyof Progress> = {
  answered: 'answered',
  machine: 'machine',
  busy: 'busy',
  'no-answer': 'noAnswer',
  failed: 'failed',
  suppressed: 'suppressed',
  capped: 'capped',
  canceled: 'canceled',
};

/** The counters after one contact ended. */
export function withOutcome(
  p: Progress,
  outcome: ContactOutcome,
  calls: number,
  smsSent: boolean,
): Progress {
  const key = COUNTER[outcome];
  return {
    ...p,
    [key]: p[key] + 1,
    dialed: p.dialed + calls,
    smsSent: p.smsSent + (smsSent ? 1 : 0),
    done: p.done + 1,
  };
}

export const remainingOf = (p: Progress): number => p.total - p.done;

/**
 * Seconds until every contact is done at the rate seen so far; undefined before anything ended.
 * Windows and retry spacing make this a floor, not a promise.
 */
export function etaSeconds(p: Progress, startedAt: number, now: number): number | undefined {
  if (p.done === 0 || now <= startedAt) return undefined;
  const perSecond = p.done / ((now - startedAt) / 1000);
  return Math.ceil(remainingOf(p) / perSecond);
}
