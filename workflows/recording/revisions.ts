/**
 * The shapes of history a recording workflow has had. A recording keeps the revision it started
 * with (`RecordingInput.revision`); revision N+1 is a new entry here and a new
 * `RECORDING_REVISION`, with replay fixtures of the old shape kept under
 * `test/fixtures/histories/recording/`.
 *
 * Revision 1: wait for a final status → fetch metadata → store encrypted → transcribe and redact
 * → verify → delete Twilio's copy → retain → purge.
 */
export const RECORDING_REVISION = 1;
