import type { CallStatus } from './model';
import type { CallbackKind } from './faults';

export type RequestPurpose =
  'voice-url' | 'fallback' | 'action' | 'redirect' | 'dial-url' | 'announce' | 'wait-url';

type Body =
  | {
      type: 'request';
      purpose: RequestPurpose;
      url: string;
      method: string;
      attempt: number;
      idempotencyToken: string;
      status?: number;
      failure?: string;
      params: Record<string, string>;
    }
  | { type: 'say'; text: string; voice: string; language: string; loop: number }
  | { type: 'play'; url: string; loop: number }
  | { type: 'play-digits'; digits: string }
  | { type: 'pause'; seconds: number }
  | { type: 'beep' }
  | {
      type: 'input';
      verb: 'Gather' | 'Record';
      digits?: string;
      speech?: string;
      confidence?: number;
    }
  | { type: 'silence'; verb: 'Gather' | 'Record'; seconds: number }
  | { type: 'recording'; recordingSid: string; durationSec: number; text: string; source: string }
  /** A REST change to a call's recording: started, paused (with its PauseBehavior), resumed, stopped. */
  | {
      type: 'recording-control';
      recordingSid: string;
      status: 'in-progress' | 'paused' | 'stopped';
      pauseBehavior?: 'skip' | 'silence';
    }
  | { type: 'leg'; legSid: string; to: string; status: CallStatus }
  | { type: 'conference'; name: string; conferenceSid: string; event: string }
  | {
      type: 'queue';
      name: string;
      queueSid: string;
      event: 'enqueued' | 'dequeued' | 'left';
      position?: number;
    }
  /** Put on or taken off hold in a conference; `music` is what the held party hears (empty: silence). */
  | { type: 'hold'; held: boolean; music: string[] }
  | {
      type: 'callback';
      kind: CallbackKind;
      event: string;
      url: string;
      status?: number;
      failure?: string;
      fault?: 'dropped' | 'duplicate' | 'delayed' | 'reordered';
      sequenceNumber?: number;
    }
  | { type: 'status'; status: CallStatus }
  | { type: 'error'; code: number; message: string; url?: string }
  | { type: 'unsupported'; verb: string }
  | {
      type: 'hangup';
      by: 'caller' | 'twiml' | 'rest' | 'callee' | 'end-of-document' | 'conference' | 'time-limit';
    }
  | { type: 'reject'; reason: string };

/** One thing that happened on a call; `at` is call time in ms (virtual unless `realtime`). */
export type TranscriptEntry = Body & { callSid: string; at: number };
export type TranscriptEntryType = TranscriptEntry['type'];

/** The ordered record of one call (and its dialed legs), observable while it runs. */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly listeners = new Set<(e: TranscriptEntry) => void>();

  add(entry: TranscriptEntry): void {
    this.entries.push(entry);
    for (const l of this.listeners) l(entry);
  }

  onEntry(listener: (e: TranscriptEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  of<T extends TranscriptEntryType>(type: T): Extract<TranscriptEntry, { type: T }>[] {
    return this.entries.filter((e): e is Extract<TranscriptEntry, { type: T }> => e.type === type);
  }
}
