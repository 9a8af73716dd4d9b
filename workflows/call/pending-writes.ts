import { workflowInfo } from '@temporalio/workflow';
import type { IvrEffect } from '../ivr/engine';
import type { CallStatusEvent } from './definitions';
import type { CallRevision } from './revisions';

/** Where a decision came from: an update handler's may sit in a task the server discards. */
export type Origin = 'update' | 'history';

/** Events are written by activities after TwiML has been answered, so Twilio never waits on PostgreSQL. */
export type Pending =
  | { kind: 'status'; event: CallStatusEvent; assumed?: 'ivr-hung-up' | 'call-limit' }
  | { kind: 'ivr'; effect: IvrEffect; seq: number; at: string; origin: Origin; task: number };

/**
 * The workflow task an activation belongs to, by history length: it grows only once a task has
 * completed, so a decision from an earlier length is in history (committed), one from the current
 * length may still be discarded with its task.
 */
const currentTask = (): number => workflowInfo().historyLength;

/** What a call has yet to write to its call log, in order, and what of it may be written now. */
export class PendingWrites {
  private readonly items: Pending[] = [];

  constructor(private readonly revision: CallRevision) {}

  get size(): number {
    return this.items.length;
  }

  get hasWritable(): boolean {
    return this.items.some((item) => this.committed(item));
  }

  status(event: CallStatusEvent, assumed?: 'ivr-hung-up' | 'call-limit'): void {
    this.items.push({ kind: 'status', event, ...(assumed ? { assumed } : {}) });
  }

  ivr(effect: IvrEffect, seq: number, at: string, origin: Origin): void {
    this.items.push({ kind: 'ivr', effect, seq, at, origin, task: currentTask() });
  }

  /** Whether an item may be written from this task: it is in history, or its revision says so. */
  committed(item: Pending): boolean {
    return (
      item.kind === 'status' ||
      item.origin === 'history' ||
      this.revision.updateWrites === 'with-decision' ||
      item.task < currentTask()
    );
  }

  /** Removes and returns what may be written now (or, with `all`, everything), in order. */
  take(all: boolean): Pending[] {
    if (all) return this.items.splice(0);
    const now: Pending[] = [];
    const later: Pending[] = [];
    for (const item of this.items) (this.committed(item) ? now : later).push(item);
    this.items.splice(0, this.items.length, ...later);
    return now;
  }
}
