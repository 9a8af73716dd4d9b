import type { Config } from '../../config';
import { CONFERENCE_PREFIX } from '../../conference/start';
import type { ConferenceVerb } from '../../../workflows/shared/twiml-plan';
import { callSidOf } from '../../../workflows/shared/ids';

/**
 * Where an IVR `conference` node sends its caller: the conference `{namePrefix}-{CallSid}`, whose
 * status callback names agent A, so the first callback starts the conference workflow that dials
 * them (the URL is covered by Twilio's signature).
 */
export function ivrConference(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'CONFERENCE_HOLD_MUSIC_URL'>,
  workflowId: string,
  verb: ConferenceVerb,
): { name: string; statusCallback: string; waitUrl: string } {
  const callSid = callSidOf(workflowId) ?? workflowId;
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  return {
    name: `${verb.namePrefix}-${callSid}`,
    statusCallback: `${base}${CONFERENCE_PREFIX}/status?agent=${encodeURIComponent(verb.agent)}`,
    waitUrl: config.CONFERENCE_HOLD_MUSIC_URL,
  };
}
