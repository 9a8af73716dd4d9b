import type { CallEventInput } from '../../activities/call/call-log';
import type { CallStatusEvent } from './definitions';

/**
 * How a status callback is kept in the call log: by the call workflow, and by the outbox relay for
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
