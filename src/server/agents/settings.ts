import type { Config } from '../../config';
import type { AgentKey } from './keys';

/** What browser phones need, present only when the whole group is configured. */
export interface AgentSettings {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  twimlAppSid: string;
  agents: readonly AgentKey[];
  callerId: string;
  ttlSeconds: number;
}

/** The config validates the group as all or none, so one key tells whether agents are set up. */
export function agentSettings(config: Config): AgentSettings | undefined {
  if (config.AGENT_API_KEYS.length === 0) return undefined;
  return {
    accountSid: config.TWILIO_ACCOUNT_SID,
    apiKeySid: config.TWILIO_API_KEY_SID,
    apiKeySecret: config.TWILIO_API_KEY_SECRET,
    twimlAppSid: config.TWILIO_TWIML_APP_SID,
    agents: config.AGENT_API_KEYS,
    callerId: config.AGENT_CALLER_ID,
    ttlSeconds: config.AGENT_TOKEN_TTL_SECONDS,
  };
}
