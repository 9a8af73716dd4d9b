import { ConfigError, loadConfig, type Config } from '../../config';
import { fail, pass, type CheckResult } from '../types';

/**
 * The configuration comes first: without a valid one no other check can run, so the config itself
 * is handed back for the runner to go on with.
 */
export function checkConfig(env: Record<string, string | undefined>): {
  results: CheckResult[];
  config?: Config;
} {
  try {
    const config = loadConfig(env);
    return {
      results: [pass('configuration', `valid; PUBLIC_BASE_URL is ${config.PUBLIC_BASE_URL}`)],
      config,
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      results: [
        fail(
          'configuration',
          err.problems.join('; '),
          'set these variables in the environment or .env (.env.example describes each one)',
        ),
      ],
    };
  }
}
