import { z } from 'zod';
import { TWILIO_TASK_QUEUE } from '../workflows/shared/twilio-constants';

/** Raised when the environment does not describe a runnable process; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url();
const csv = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  );

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
});

export type Config = Readonly<z.output<typeof schema>>;

/** Reads and validates the process configuration once; the result is frozen. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "unset" for variables that have defaults.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse(cleaned);
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
  }) as Config;
}
