import type { CallEventInput, ConsentInput } from '../../activities/call/call-log';
import type { IvrEffect } from '../ivr/engine';
import type { IvrDefinition } from '../ivr/types';
import type { CallStatusEvent } from './definitions';

/**
 * How a status callback is kept in the call log: by the call workflow, and by the callback inbox relay for
 * a callback that arrives after the workflow has closed. Both write the same row, once.
 */
export function statusLogEvent(
  event: CallStatusEvent,
  assumed?: 'ivr-hung-up' | 'call-limit',
): CallEventInput {
  return {
    eventKey: event.eventKey,
    kind: 'status',
    sequenceNumber: event.sequenceNumber,
    callStatus: event.callStatus,
    detail: {
      ...(event.durationSeconds === undefined ? {} : { durationSeconds: event.durationSeconds }),
      ...(assumed ? { assumed } : {}),
    },
    occurredAt: event.timestamp,
  };
}

/**
 * How an IVR effect is kept: an event keyed by the call and the effect's sequence number (a retried
 * write lands on the same row), and for a consent answer its evidence row as well.
 */
export function ivrLogEvent(
  callSid: string,
  ivr: Pick<IvrDefinition, 'id' | 'version'>,
  item: { effect: IvrEffect; seq: number; at: string },
): { event: CallEventInput; consent?: ConsentInput } {
  const { effect, at } = item;
  const eventKey = `${callSid}:ivr:${item.seq}`;
  const event: CallEventInput = {
    eventKey,
    kind: `ivr.${effect.kind}`,
    detail: { ...effect },
    occurredAt: at,
    ivrNode: effect.kind === 'entered' ? effect.node : undefined,
  };
  if (effect.kind !== 'consent') return { event };
  const { granted, answered } = effect;
  return {
    event,
    consent: { eventKey, granted, answered, ivrId: ivr.id, ivrVersion: ivr.version, at },
  };
}
