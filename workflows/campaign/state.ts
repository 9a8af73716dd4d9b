import type { AttemptReport } from '../attempt/definitions';
import type { CampaignCarry, CampaignInput, CampaignRunState, CampaignStatus } from './definitions';
import { emptyProgress, withOutcome, type Progress } from './progress';
import type { RegionWindowRule } from './window';

/** Children one run starts before it continues as new (Temporal caps a run's pending children). */
export const STARTS_PER_RUN = 500;
/** Active attempts at most, whatever the settings (Temporal's pending-children limit is 2,000). */
const MAX_ACTIVE = 1000;

/** What a campaign run knows, and the operations its handlers and loop apply. */
export class CampaignState {
  cursor: number;
  progress: Progress;
  readonly inFlight: Set<number>;
  readonly parked: Set<number>;
  readonly phones: Map<number, string>;
  state: CampaignRunState;
  ivrVersion: number;
  regionRules: RegionWindowRule[];
  cps: number;
  startedAt: number;
  runs: number;
  startedThisRun = 0;
  /**
   * Contacts whose start is in flight. In one activation Temporal hands signals over before the
   * child's start resolves, so a quick attempt's reports can overtake its own start: they wait
   * here and apply once it has started, instead of being dropped (which left it in flight forever).
   */
  private readonly starting = new Map<number, AttemptReport[]>();
  /** Off on runs recorded before reports were kept for starting contacts (replay). */
  keepEarlyReports = true;

  constructor(
    readonly input: CampaignInput,
    now: number,
  ) {
    const c: CampaignCarry | undefined = input.carry;
    this.cursor = c?.cursor ?? 0;
    this.progress = c?.progress ?? emptyProgress(input.contacts?.length ?? 0);
    this.inFlight = new Set(c?.inFlight ?? []);
    this.parked = new Set(c?.parked ?? []);
    this.phones = new Map(Object.entries(c?.phones ?? {}).map(([k, v]) => [Number(k), v]));
    this.state = c?.state ?? 'running';
    this.ivrVersion = c?.ivrVersion ?? 0;
    this.regionRules = c?.regionRules ?? [];
    this.cps = c?.cps ?? input.settings.cps;
    this.startedAt = c?.startedAt ?? now;
    this.runs = (c?.runs ?? 0) + 1;
  }

  /** Attempts that may dial now: in flight and not parked on a long timer. */
  get active(): number {
    return this.inFlight.size - this.parked.size;
  }

  /** Enough active attempts to keep every live call and the pacing pipeline busy. */
  get maxActive(): number {
    const { maxConcurrent } = this.input.settings;
    return Math.min(MAX_ACTIVE, maxConcurrent + Math.ceil(this.cps * 2));
  }

  isCanceled(): boolean {
    return this.state === 'canceled';
  }

  get allStarted(): boolean {
    return this.cursor >= this.progress.total;
  }

  get finished(): boolean {
    return (this.allStarted || this.state === 'canceled') && this.inFlight.size === 0;
  }

  /** A child's start is about to be requested. */
  starts(contactId: number): void {
    if (this.keepEarlyReports) this.starting.set(contactId, []);
  }

  started(contactId: number, phone: string): void {
    this.inFlight.add(contactId);
    this.phones.set(contactId, phone);
    this.cursor = Math.max(this.cursor, contactId);
    this.startedThisRun += 1;
    const early = this.starting.get(contactId) ?? [];
    this.starting.delete(contactId);
    for (const report of early) this.onReport(report);
  }

  onReport(report: AttemptReport): void {
    const early = this.starting.get(report.contactId);
    if (early) {
      early.push(report);
      return;
    }
    if (!this.inFlight.has(report.contactId)) return;
    if (report.kind === 'parked') {
      this.parked.add(report.contactId);
      return;
    }
    this.inFlight.delete(report.contactId);
    this.parked.delete(report.contactId);
    this.phones.delete(report.contactId);
    this.progress = withOutcome(this.progress, report.outcome, report.calls, report.smsSent);
  }

  /** Contacts never started when the campaign was canceled end as canceled. */
  cancelUnstarted(): void {
    const unstarted = this.progress.total - this.cursor;
    this.progress = {
      ...this.progress,
      canceled: this.progress.canceled + unstarted,
      done: this.progress.done + unstarted,
    };
    this.cursor = this.progress.total;
  }

  contactsWithPhone(phone: string): number[] {
    return [...this.phones].filter(([, p]) => p === phone).map(([id]) => id);
  }

  carry(): CampaignCarry {
    return {
      cursor: this.cursor,
      progress: this.progress,
      inFlight: [...this.inFlight],
      parked: [...this.parked],
      phones: Object.fromEntries(this.phones),
      state: this.state,
      ivrVersion: this.ivrVersion,
      regionRules: this.regionRules,
      cps: this.cps,
      startedAt: this.startedAt,
      runs: this.runs,
    };
  }

  status(): CampaignStatus {
    const { settings, campaignId } = this.input;
    return {
      campaignId,
      name: settings.name,
      state: this.state,
      cps: this.cps,
      maxConcurrent: settings.maxConcurrent,
      progress: this.progress,
      inFlight: this.inFlight.size,
      run: this.runs,
      startedAt: this.startedAt,
    };
  }
}
