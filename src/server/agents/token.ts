import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { HttpError } from '../errors';
import { findAgent, type AgentKey } from './keys';
import { agentSettings, type AgentSettings } from './settings';

const { AccessToken } = twilio.jwt;

/**
 * A Voice SDK device asks again before its token expires (tokenWillExpire), so an agent needs a
 * few tokens an hour; the per-IP limit runs before authentication and slows key guessing.
 */
export const TOKEN_LIMITS = {
  perIp: { max: 30, timeWindow: 60_000 },
  perAgent: { max: 10, timeWindow: 60_000 },
} as const;

/** The JSON `POST /voice/token` answers. */
export interface TokenResponse {
  token: string;
  identity: string;
  ttlSeconds: number;
}

/** A Voice access token: calls the agent places go to the TwiML App, calls to it may ring. */
export function voiceAccessToken(settings: AgentSettings, identity: string): string {
  const token = new AccessToken(settings.accountSid, settings.apiKeySid, settings.apiKeySecret, {
    identity,
    ttl: settings.ttlSeconds,
  });
  token.addGrant(
    new AccessToken.VoiceGrant({
      outgoingApplicationSid: settings.twimlAppSid,
      incomingAllow: true,
    }),
  );
  return token.toJwt();
}

const BEARER = /^Bearer +(\S{1,256})$/i;

function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  agents: readonly AgentKey[],
): AgentKey {
  const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
  const agent = presented === undefined ? undefined : findAgent(agents, presented);
  if (agent) return agent;
  // RFC 6750: a 401 names the scheme the client should use.
  void reply.header('www-authenticate', 'Bearer realm="switchboard"');
  throw new HttpError(
    'unauthorized',
    presented === undefined ? 'missing bearer key' : 'unknown agent key',
  );
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

async function enforce(limiter: Limiter, request: FastifyRequest, reply: FastifyReply) {
  const result = await limiter(request);
  if (result.isAllowed || !result.isExceeded) return;
  void reply.header('retry-after', String(result.ttlInSeconds));
  throw new HttpError('tooManyRequests', 'too many token requests; retry later');
}

/** `POST /voice/token`: an authenticated agent's Voice access token, rate-limited per IP and agent. */
export function tokenRoute(app: FastifyInstance): void {
  const settings = agentSettings(app.config);
  // The identity limiter's key is known only once the key is checked, after the request began.
  const identities = new WeakMap<FastifyRequest, string>();
  const perIp = app.createRateLimit({ ...TOKEN_LIMITS.perIp, keyGenerator: (r) => `ip:${r.ip}` });
  const perAgent = app.createRateLimit({
    ...TOKEN_LIMITS.perAgent,
    keyGenerator: (r) => `agent:${identities.get(r) ?? ''}`,
  });
  app.post('/token', async (request, reply): Promise<TokenResponse> => {
    if (!settings) throw new HttpError('unavailable', 'agents not configured');
    await enforce(perIp, request, reply);
    const agent = authenticate(request, reply, settings.agents);
    identities.set(request, agent.identity);
    await enforce(perAgent, request, reply);
    request.log.info({ identity: agent.identity }, 'agent token issued');
    // A token is a credential for an hour: no cache or proxy may keep a copy.
    void reply.header('cache-control', 'no-store');
    return {
      token: voiceAccessToken(settings, agent.identity),
      identity: agent.identity,
      ttlSeconds: settings.ttlSeconds,
    };
  });
}
