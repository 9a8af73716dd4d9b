import { z } from 'zod';

/**
 * SIP dialing: the digest credentials the app gives `<Sip username password>` when a SIP endpoint
 * challenges Twilio (they go into the TwiML only, never into workflow history), and the hosts they
 * are for. Spread into the schema in `src/config.ts`.
 */
export const sipFields = {
  SIP_AUTH_USERNAME: z.string().max(128).default(''),
  SIP_AUTH_PASSWORD: z.string().max(128).default(''),
  /** Comma-separated SIP hosts the credentials are sent to; empty sends them to every SIP target. */
  SIP_AUTH_DOMAINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
};

export interface SipAuthConfig {
  SIP_AUTH_USERNAME: string;
  SIP_AUTH_PASSWORD: string;
  SIP_AUTH_DOMAINS: string[];
}

/** The credentials for one SIP URI, or undefined when none are configured for its host. */
export function sipCredentialsFor(
  config: SipAuthConfig,
  uri: string,
): { username: string; password: string } | undefined {
  if (!config.SIP_AUTH_USERNAME || !config.SIP_AUTH_PASSWORD) return undefined;
  const host = /^sips?:[^@]+@([^:;?]+)/i.exec(uri)?.[1]?.toLowerCase();
  if (!host) return undefined;
  if (config.SIP_AUTH_DOMAINS.length > 0 && !config.SIP_AUTH_DOMAINS.includes(host))
    return undefined;
  return { username: config.SIP_AUTH_USERNAME, password: config.SIP_AUTH_PASSWORD };
}
