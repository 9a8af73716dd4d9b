import type { CampaignStatus } from '../../workflows/campaign/definitions';
import { etaSeconds, remainingOf } from '../../workflows/campaign/progress';

/** `90s`, `15m`, `2h`, `1d` or plain seconds → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration such as 90s, 15m or 2h`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = Math.round(Number(match[1]) * unit);
  if (seconds <= 0) throw new Error(`"${text}" must be longer than zero`);
  return seconds;
}

/**
 * `--rehearse-at`: an instant with its UTC offset (`2027-03-14T07:59:30-04:00`), turned into the
 * shift of the window clock from `now`. A bare local time is refused: it would be read in this
 * machine's zone, not the callee's.
 */
export function parseRehearsal(text: string, now: number): number {
  const parts =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!parts) {
    throw new Error(`--rehearse-at "${text}" must be an instant such as 2027-03-14T07:59:30-04:00`);
  }
  const [y, m, d, hh, mm] = parts.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const at = Date.parse(text);
  // Date.parse rolls 02-30 over to March; a date that is not on the calendar is refused instead.
  if (
    Number.isNaN(at) ||
    new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d ||
    hh > 23 ||
    mm > 59
  ) {
    throw new Error(`--rehearse-at "${text}" is not a valid date`);
  }
  return at - now;
}

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

/** `[██████░░░░]  60%` over `width` cells. */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const full = Math.round(ratio * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(Math.floor(ratio * 100)).padStart(3)}%`;
}

/** The status block `campaign status` prints. */
export function renderStatus(s: CampaignStatus, now: number): string {
  const p = s.progress;
  const eta = etaSeconds(p, s.startedAt, now);
  return [
    `campaign ${s.campaignId} (${s.name}): ${s.state}, ${s.cps} cps, ${s.maxConcurrent} live at most`,
    `${progressBar(p.done, p.total)}  ${p.done}/${p.total} contacts done`,
    `total ${p.total}  dialed ${p.dialed}  answered ${p.answered}  machine ${p.machine}  busy ${p.busy}  no-answer ${p.noAnswer}  failed ${p.failed}`,
    `SMS sent ${p.smsSent}  suppressed ${p.suppressed}  capped ${p.capped}  canceled ${p.canceled}  remaining ${remainingOf(p)}  in flight ${s.inFlight}  ETA ${s.state === 'completed' ? '-' : eta === undefined ? 'unknown' : clock(eta)}`,
  ].join('\n');
}

/** One CSV field, quoted when it must be (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A commander option parser for a positive number, naming the option when it is not one. */
export const positive =
  (name: string) =>
  (text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
    return n;
  };

/** A commander option parser for a positive whole number. */
export const whole =
  (name: string) =>
  (text: string): number => {
    const n = positive(name)(text);
    if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number`);
    return n;
  };
