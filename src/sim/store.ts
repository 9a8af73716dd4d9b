import type {
  CallRecord,
  ConferenceRecord,
  MessageRecord,
  ParticipantRecord,
  RecordingRecord,
} from './model';
import type { PhoneNumberRecord } from './rest-numbers';
import type { ByocTrunkRecord } from './sip';

/** Everything the simulated account holds; insertion order is creation order. */
export class Store {
  readonly calls = new Map<string, CallRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly recordings = new Map<string, RecordingRecord>();
  readonly conferences = new Map<string, ConferenceRecord>();
  /** Keyed by `${conferenceSid}/${callSid}`. */
  readonly participants = new Map<string, ParticipantRecord>();
  /** Recipients who texted STOP, keyed by their number; START removes them. */
  readonly optedOut = new Set<string>();
  /** IncomingPhoneNumbers of the account, keyed by PN sid. */
  readonly numbers = new Map<string, PhoneNumberRecord>();

  /** BYOC trunks, keyed by BY sid. */
  readonly byocTrunks = new Map<string, ByocTrunkRecord>();

  participant(conferenceSid: string, callSid: string): ParticipantRecord | undefined {
    return this.participants.get(`${conferenceSid}/${callSid}`);
  }

  putParticipant(p: ParticipantRecord): void {
    this.participants.set(`${p.conferenceSid}/${p.callSid}`, p);
  }

  deleteParticipant(conferenceSid: string, callSid: string): void {
    this.participants.delete(`${conferenceSid}/${callSid}`);
  }

  activeConferenceByName(name: string): ConferenceRecord | undefined {
    for (const c of this.conferences.values()) {
      if (c.friendlyName === name && c.status !== 'completed') return c;
    }
    return undefined;
  }
}
