import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';
import type { TwilioClient } from '../../src/twilio/client';
import { twilioRequest } from './errors';
import { isoOrNull } from './serialize';

export interface SendMessageInput {
  to: string;
  /** A sender number, or a Messaging Service; one of the two. */
  from?: string;
  messagingServiceSid?: string;
  body: string;
  statusCallback?: string;
}

export interface MessageSummary {
  sid: string;
  status: string;
  to: string;
  from: string | null;
  dateCreated: string | null;
}

function summary(message: MessageInstance): MessageSummary {
  return {
    sid: message.sid,
    status: message.status,
    to: message.to,
    from: message.from ?? null,
    dateCreated: isoOrNull(message.dateCreated),
  };
}

export function createMessageActivities({ twilio }: { twilio: TwilioClient }) {
  return {
    /** Sends one SMS; 21610 (the recipient replied STOP) fails as TwilioPermanent. */
    async sendMessage(input: SendMessageInput): Promise<MessageSummary> {
      const message = await twilioRequest(() =>
        twilio.messages.create({
          to: input.to,
          body: input.body,
          from: input.from,
          messagingServiceSid: input.messagingServiceSid,
          statusCallback: input.statusCallback,
        }),
      );
      return summary(message);
    },
  };
}
