import { apiErrors } from './errors';
import type { CallRecord } from './model';
import { str, type Params } from './rest-params';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DAY_MS = 86_400_000;

/** A date (`2026-12-03`, midnight UTC) or a date-time as the twilio client sends them (ISO 8601). */
function instantOf(key: string, value: string): { at: number; dateOnly: boolean } {
  if (DATE.test(value)) {
    const at = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(at)) return { at, dateOnly: true };
  }
  if (DATE_TIME.test(value)) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return { at, dateOnly: false };
  }
  throw apiErrors.invalidParam(key, value);
}

type Check = (call: CallRecord) => boolean;

/**
 * Twilio's `StartTime`/`EndTime` filters. In a query string `StartTime>=2026-12-03` parses as the
 * key `StartTime>` with the value `2026-12-03`, which is why the twilio client sends `StartTime>`
 * and `StartTime<`: they are inclusive bounds. `StartTime` alone is the UTC day of its value. A
 * call without the time (queued: not yet dialed; live: not yet ended) matches no such filter.
 */
function timeChecks(q: Params, name: 'StartTime' | 'EndTime'): Check[] {
  const of = (c: CallRecord): number | undefined =>
    (name === 'StartTime' ? c.startTime : c.endTime)?.getTime();
  const checks: Check[] = [];
  const after = str(q, `${name}>`);
  if (after !== undefined) {
    const { at } = instantOf(`${name}>`, after);
    checks.push((c) => (of(c) ?? -Infinity) >= at);
  }
  const before = str(q, `${name}<`);
  if (before !== undefined) {
    const { at } = instantOf(`${name}<`, before);
    checks.push((c) => (of(c) ?? Infinity) <= at);
  }
  const on = str(q, name);
  if (on !== undefined) {
    const { at } = instantOf(name, on);
    const day = at - (at % DAY_MS);
    checks.push((c) => {
      const t = of(c);
      return t !== undefined && t >= day && t < day + DAY_MS;
    });
  }
  return checks;
}

/** Every filter of `GET /Calls.json`: To, From, Status, ParentCallSid, StartTime…, EndTime…. */
export function callFilter(q: Params): Check {
  const to = str(q, 'To');
  const from = str(q, 'From');
  const status = str(q, 'Status');
  const parent = str(q, 'ParentCallSid');
  const checks: Check[] = [
    ...(to ? [(c: CallRecord) => c.to === to] : []),
    ...(from ? [(c: CallRecord) => c.from === from] : []),
    ...(status ? [(c: CallRecord) => c.status === status] : []),
    ...(parent ? [(c: CallRecord) => c.parentCallSid === parent] : []),
    ...timeChecks(q, 'StartTime'),
    ...timeChecks(q, 'EndTime'),
  ];
  return (call) => checks.every((check) => check(call));
}
