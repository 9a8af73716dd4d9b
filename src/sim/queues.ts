import type { CallLeg } from './call-leg';
import type { SimCore } from './core';

export interface QueueRecord {
  sid: string;
  friendlyName: string;
  maxSize: number;
  dateCreated: Date;
}

/** A caller waiting in a queue; `dequeued` is set by the `<Dial><Queue>` that takes it. */
export interface QueueMember {
  leg: CallLeg;
  enqueuedAt: number;
  dequeued?: { by: CallLeg; bridged: Promise<void> };
}

/** Twilio's default (and maximum without a support request) queue size. */
const DEFAULT_MAX_SIZE = 100;

/** A named call queue: `<Enqueue>` adds callers at the back, `<Dial><Queue>` takes the front. */
export class SimQueue {
  readonly members: QueueMember[] = [];
  /** Legs waiting in `<Dial><Queue>` for a caller; woken when one is enqueued. */
  readonly agents = new Set<CallLeg>();
  private readonly waits: number[] = [];

  constructor(readonly record: QueueRecord) {}

  /** Twilio creates a queue the first time a call is enqueued to its name. */
  static named(core: SimCore, name: string): SimQueue {
    const existing = core.queues.get(name);
    if (existing) return existing;
    const queue = new SimQueue({
      sid: core.newSid('QU'),
      friendlyName: name,
      maxSize: DEFAULT_MAX_SIZE,
      dateCreated: core.now(),
    });
    core.queues.set(name, queue);
    return queue;
  }

  get full(): boolean {
    return this.members.length >= this.record.maxSize;
  }

  add(leg: CallLeg): QueueMember {
    const member: QueueMember = { leg, enqueuedAt: Date.now() };
    this.members.push(member);
    for (const agent of this.agents) agent.wake();
    return member;
  }

  /** Takes the caller who has waited longest, or undefined when the queue is empty. */
  takeFront(): QueueMember | undefined {
    return this.members.shift();
  }

  remove(member: QueueMember): void {
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    this.waits.push(this.secondsWaited(member));
  }

  position(member: QueueMember): number {
    return this.members.indexOf(member) + 1;
  }

  secondsWaited(member: QueueMember): number {
    return Math.round((Date.now() - member.enqueuedAt) / 1000);
  }

  averageWait(): number {
    if (this.waits.length === 0) return 0;
    return Math.round(this.waits.reduce((a, b) => a + b, 0) / this.waits.length);
  }
}
