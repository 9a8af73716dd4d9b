import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createPool } from '../db/pool';
import { routeNumber, saveIvr } from '../ivr/store';
import { validateIvr } from '../ivr/validate';

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export function ivrCommands(program: Command, databaseUrl: () => string): void {
  const ivr = program.command('ivr').description('IVR definitions and number routes');

  ivr
    .command('validate <file>')
    .description('check an IVR definition without storing it')
    .action(async (file: string) => {
      const def = validateIvr(await readJson(file));
      console.log(
        `${file}: IVR ${def.id} v${def.version} is valid (${Object.keys(def.nodes).length} nodes)`,
      );
    });

  ivr
    .command('load <file>')
    .description(
      'validate and store an IVR version (calls in flight keep the version they started with)',
    )
    .action(async (file: string) => {
      const db = createPool(databaseUrl(), 1);
      try {
        const def = await saveIvr(db, await readJson(file));
        console.log(`stored IVR ${def.id} v${def.version}`);
      } finally {
        await db.end();
      }
    });

  ivr
    .command('route <number> <ivrId>')
    .description("answer calls to <number> (E.164, or '*' for every other number) with an IVR")
    .action(async (number: string, ivrId: string) => {
      if (number !== '*' && !/^\+[1-9]\d{6,14}$/.test(number)) {
        throw new Error(`"${number}" is not an E.164 number (like +14155550123) or '*'`);
      }
      const db = createPool(databaseUrl(), 1);
      try {
        await routeNumber(db, number, ivrId);
        console.log(`calls to ${number} now reach IVR ${ivrId}`);
      } finally {
        await db.end();
      }
    });
}
