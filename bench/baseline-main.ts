import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config';
import { validateIvr } from '../src/ivr/validate';
import { buildBaselineApp } from './baseline-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const ivr = validateIvr(JSON.parse(readFileSync(process.env.BENCH_IVR_FILE ?? '', 'utf8')));
  const app = await buildBaselineApp(config, ivr);
  await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
