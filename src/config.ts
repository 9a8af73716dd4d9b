import { z } from 'zod';
import { TWILIO_TASK_QUEUE } from '../workflows/shared/twilio-constants';
import { parseAgentKeys } from './server/agents/keys';
import { smsConfigFields } from './server/sms/config';
import { campaignConfigFields } from './campaign/config';
import { transcriptionFields } from './transcription/config';
import { redactionFields } from './redaction/config';
import { recordingFields } from './recording/config';
import { conferenceFields } from './conference/config';
import { sipFields } from './routing/config';

/** Raised when the environment does not describe a runnable process; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url();
const E164 = /^\+[1-9]\d{6,14}$/;
const csv = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  );

/** Browser phones (POST /voice/token, /voice/client): all of these, or none of them. */
const AGENT_GROUP = [
  'TWILIO_API_KEY_SID',
  'TWILIO_API_KEY_SECRET',
  'TWILIO_TWIML_APP_SID',
  'AGENT_API_KEYS',
  'AGENT_CALLER_ID',
] as const;

const agentFields = {
  TWILIO_API_KEY_SID: z
    .union([
      z.literal(''),
      z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'must be SK followed by 32 hex digits'),
    ])
    .default(''),
  TWILIO_API_KEY_SECRET: z
    .union([z.literal(''), z.string().min(16, 'must be at least 16 characters')])
    .default(''),
  TWILIO_TWIML_APP_SID: z
    .union([
      z.literal(''),
      z.string().regex(/^AP[0-9a-fA-F]{32}$/, 'must be AP followed by 32 hex digits'),
    ])
    .default(''),
  AGENT_API_KEYS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const agents = parseAgentKeys(text);
      if (typeof agents === 'string') ctx.addIssue({ code: 'custom', message: agents });
      return typeof agents === 'string' ? [] : agents;
    }),
  AGENT_CALLER_ID: z
    .union([z.literal(''), z.string().regex(E164, 'must be an E.164 number')])
    .default(''),
  // Twilio accepts Voice tokens of up to 24 hours; an hour bounds what a leaked token is worth.
  AGENT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(3600),
};

function agentGroup(
  data: Record<(typeof AGENT_GROUP)[number], string | readonly unknown[]>,
  ctx: z.RefinementCtx,
): void {
  const unset = AGENT_GROUP.filter((name) => data[name].length === 0);
  if (unset.length === 0 || unset.length === AGENT_GROUP.length) return;
  for (const name of unset) {
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: `set together with ${AGENT_GROUP.join(', ')}`,
    });
  }
}

const schema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string'),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('switchboard'),
  TEMPORAL_TWILIO_TASK_QUEUE: z.string().min(1).default(TWILIO_TASK_QUEUE),
  TWILIO_REST_RATE_PER_SECOND: z.coerce.number().positive().default(10),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(3000),
  PUBLIC_BASE_URL: url,
  TRUSTED_PROXIES: csv,
  WEBHOOK_MODE: z.enum(['update', 'journal']).default('update'),
  WEBHOOK_UPDATE_BUDGET_MS: z.coerce.number().int().min(100).max(14000).default(3000),
  INBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).max(60000).default(250),
  INBOX_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(60000).default(2000),
  INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10000).default(50),
  CALL_LINGER_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits'),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  TWILIO_API_BASE_URL: z.union([z.literal(''), url]).default(''),
  TWILIO_EDGE: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'must be an edge name such as sydney')
    .default(''),
  TWILIO_REGION: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'must be a region such as au1')
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Two ports: the SDK core serves its own metrics from Rust, apart from prom-client's registry.
  WORKER_METRICS_PORT: port.default(9464),
  TEMPORAL_SDK_METRICS_PORT: port.default(9465),
  // The standard OpenTelemetry variable: the OTLP/HTTP base URL; empty turns tracing off.
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })])
    .default(''),
  ...agentFields,
  ...smsConfigFields,
  ...campaignConfigFields,
  ...transcriptionFields,
  ...redactionFields,
  ...recordingFields,
  ...conferenceFields,
  ...sipFields,
});
/** Cross-field rules run after every field parsed; the shape stays one plain object. */
const checkedSchema = schema.superRefine(agentGroup);

export type Config = Readonly<z.output<typeof schema>>;

/** Reads and validates the process configuration once; the result is frozen. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "unset" for variables that have defaults.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  const parsed = checkedSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        return value === undefined || value === ''
          ? `${name} is required but missing`
          : `${name} is malformed: ${issue.message}`;
      }),
    );
  }
  return Object.freeze({
    ...parsed.data,
    TRUSTED_PROXIES: Object.freeze(parsed.data.TRUSTED_PROXIES),
    AGENT_API_KEYS: Object.freeze(parsed.data.AGENT_API_KEYS),
  }) as Config;
}
