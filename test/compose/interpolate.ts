/**
 * Compose-style variable interpolation, enough for the forms docker-compose.yml uses:
 * `$$`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (match, name: string | undefined, colon: string, op: string | undefined, arg: string) => {
      if (match === '$$') return '$';
      const raw = env[name!];
      const missing = colon ? raw === undefined || raw === '' : raw === undefined;
      if (!missing) return raw!;
      if (op === '-') return arg;
      if (op === '?') throw new Error(`required variable ${name} is missing: ${arg}`);
      return '';
    },
  );
}

/** A service's `environment`, as a map, whether the file writes it as a map or a list. */
export function environmentOf(service: { environment?: unknown }): Record<string, string> {
  const env = service.environment;
  if (env === undefined || env === null) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const text = String(entry);
        const eq = text.indexOf('=');
        return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env as Record<string, unknown>).map(([k, v]) => [
      k,
      v === null ? '' : String(v as string | number | boolean),
    ]),
  );
}
