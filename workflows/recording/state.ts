import type {
  RecordingCallback,
  RecordingEntry,
  RecordingPhase,
  RecordingSnapshot,
  RecordingStatus,
  TwilioTranscription,
} from './definitions';

const FINAL: ReadonlySet<RecordingStatus> = new Set(['completed', 'absent', 'failed']);

/**
 * Everything a recording workflow knows, and the named operations that change it. Callbacks are
 * at least once and unordered: each event key counts once, and the first final status wins, so a
 * late `in-progress` or a repeated `completed` changes nothing.
 */
export class RecordingState {
  phase: RecordingPhase = 'waiting';
  final?: RecordingCallback;
  latest?: RecordingCallback;
  onHold = false;
  retainUntil?: string;
  retentionChanged = false;
  purgeRequested = false;
  readonly transcriptions: TwilioTranscription[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly recordingSid: string,
    public callSid?: string,
  ) {}

  /** Applies a relay delivery; returns how many entries were new. */
  apply(entries: readonly RecordingEntry[]): number {
    let fresh = 0;
    for (const entry of entries) {
      const key =
        entry.kind === 'status' ? entry.callback.eventKey : `tr:${entry.transcription.eventKey}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      fresh++;
      if (entry.kind === 'transcription') this.transcriptions.push(entry.transcription);
      else this.applyCallback(entry.callback);
    }
    return fresh;
  }

  private applyCallback(cb: RecordingCallback): void {
    this.callSid ??= cb.callSid;
    if (!this.latest || !FINAL.has(this.latest.status)) this.latest = cb;
    if (!this.final && FINAL.has(cb.status)) this.final = cb;
  }

  /** Takes Twilio's transcriptions that arrived since the last call. */
  takeTranscriptions(): TwilioTranscription[] {
    return this.transcriptions.splice(0);
  }

  snapshot(): RecordingSnapshot {
    return {
      recordingSid: this.recordingSid,
      ...(this.callSid ? { callSid: this.callSid } : {}),
      phase: this.phase,
      ...(this.latest ? { status: this.final?.status ?? this.latest.status } : {}),
      onHold: this.onHold,
      ...(this.retainUntil ? { retainUntil: this.retainUntil } : {}),
      callbacksSeen: this.seen.size,
    };
  }
}
