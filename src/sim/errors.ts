/** A Twilio REST error: serialised as Twilio's `{code, message, more_info, status}` body. */
export class TwilioApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toJSON(): { code: number; message: string; more_info: string; status: number } {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

export const apiErrors = {
  authenticate: () => new TwilioApiError(20003, 401, 'Authenticate'),
  notFound: (path: string) =>
    new TwilioApiError(20404, 404, `The requested resource ${path} was not found`),
  invalidTo: (to: string) => new TwilioApiError(21211, 400, `Invalid 'To' Phone Number: ${to}`),
  invalidFrom: (from: string) =>
    new TwilioApiError(21212, 400, `Invalid 'From' Phone Number: ${from}`),
  missingParam: (code: number, name: string) =>
    new TwilioApiError(code, 400, `A '${name}' parameter is required.`),
  unsubscribed: () => new TwilioApiError(21610, 400, 'Attempt to send to unsubscribed recipient'),
  tooManyRequests: () => new TwilioApiError(20429, 429, 'Too Many Requests'),
  serverError: (status: number) =>
    new TwilioApiError(20500, status, 'An internal server error has occurred'),
  callNotInProgress: () =>
    new TwilioApiError(21220, 400, 'Call is not in-progress. Cannot redirect.'),
  invalidParam: (name: string, value: string) =>
    new TwilioApiError(21218, 400, `Invalid value '${value}' for parameter ${name}`),
} as const;

/** Voice application errors Twilio logs for a call (Debugger codes), used in transcripts. */
export const voiceErrors = {
  retrievalFailure: 11200,
  connectionFailure: 11205,
  badHost: 11210,
  parseFailure: 12100,
  invalidContentType: 12300,
  invalidTwiml: 12200,
} as const;
