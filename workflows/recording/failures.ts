/** `ApplicationFailure.type` of the recording family's activities; imports nothing. */
export const RecordingFailureType = {
  /** Twilio refused the media request (credentials): no retry fixes it. */
  mediaRefused: 'RecordingMediaRefused',
  /** The media is not there yet, or the transfer broke: retried. */
  mediaUnavailable: 'RecordingMediaUnavailable',
  /** The stored copy does not read back to the bytes fetched: store it again. */
  verifyFailed: 'RecordingVerifyFailed',
  /** Every transcription provider failed for good. */
  transcriptionFailed: 'RecordingTranscriptionFailed',
} as const;
