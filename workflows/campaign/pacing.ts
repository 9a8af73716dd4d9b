/**
 * Pacing as pure arithmetic; the claim that applies it runs in one PostgreSQL transaction
 * (activities/campaign/pacing.ts) so every worker and campaign of the account draws from one clock.
 */

/**
 * Milliseconds between two creations at `cps`, stretched so that a create made up to `toleranceMs`
 * after its slot still cannot put `cps + 1` creations in any sliding one-second window:
 * `cps` intervals must cover 1000 ms plus the tolerance.
 */
export function intervalMs(cps: number, toleranceMs: number): number {
  if (!(cps > 0)) throw new Error(`calls per second must be positive, not ${cps}`);
  return (1000 + toleranceMs) / cps;
}

export interface PacingClock {
  scope: string;
  /** Epoch ms at which this scope's next creation may happen. */
  nextAt: number;
  intervalMs: number;
}

/**
 * The slot a claim gets: the latest of `earliest` and every scope's next instant (`base`, kept
 * fractional so the spacing does not drift), as whole milliseconds `[slotAt, notAfter]` inside
 * `[base, base + tolerance]`. Each scope then moves on by its own interval from the base, so the
 * account and each campaign stay spaced.
 */
export function claimSlot(
  clocks: readonly PacingClock[],
  earliest: number,
  toleranceMs: number,
): { slotAt: number; notAfter: number; next: PacingClock[] } {
  const base = Math.max(earliest, ...clocks.map((c) => c.nextAt));
  return {
    slotAt: Math.ceil(base),
    notAfter: Math.floor(base + toleranceMs),
    next: clocks.map((c) => ({ ...c, nextAt: base + c.intervalMs })),
  };
}

/** Largest number of instants inside any half-open window of `windowMs` (sorted or not). */
export function maxInWindow(instants: readonly number[], windowMs = 1000): number {
  const sorted = [...instants].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi += 1) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
