import path from 'node:path';

/**
 * The application root, holding migrations/ and scripts/. Compiled, this file sits in
 * dist/src/doctor, and those folders stay beside dist/ (see the Dockerfile).
 */
export const APP_ROOT = path.resolve(
  __dirname,
  '..',
  '..',
  path.extname(__filename) === '.js' ? '..' : '.',
);
