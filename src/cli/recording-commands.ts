import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import {
  exportMedia,
  holdRecording,
  listRecordings,
  purgeRecordingNow,
  readTranscripts,
  releaseRecording,
  setRetentionPolicy,
} from '../recording/access';
import { rotateKeys } from '../recording/rotate';
import { keyRingFromConfig, storageFromConfig } from '../storage';
import { connectClient } from '../temporal/connect';
import { parseRetention } from '../../workflows/recording/retention';
import type { RecordingSource } from '../../workflows/recording/definitions';
import { table, withDb } from './output';

const RECORDING_SID = /^RE[0-9a-f]{32}$/;
const SOURCES: readonly RecordingSource[] = ['voicemail', 'call', 'conference'];

function checkSid(sid: string): string {
  if (!RECORDING_SID.test(sid))
    throw new Error(`"${sid}" is not a RecordingSid (RE + 32 hex digits)`);
  return sid;
}

/** Who is asking: --actor, or the operating-system user running the command. */
const actorOf = (opts: { actor?: string }): string => opts.actor ?? os.userInfo().username;

async function withClient<T>(
  config: Config,
  fn: (c: Awaited<ReturnType<typeof connectClient>>) => Promise<T>,
): Promise<T> {
  const client = await connectClient(config);
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

/** `npm run recording -- …`: list, read (audited), hold, release, purge, retention, key rotation. */
export function recordingCommands(program: Command, config: () => Config): void {
  const db = <T>(fn: (db: Db) => Promise<T>): Promise<T> => withDb(() => config().DATABASE_URL, fn);
  const actor = [
    '--actor <name>',
    'who is asking, for the audit log (default: your user name)',
  ] as const;

  program
    .command('list')
    .description('recent recordings, newest first')
    .option('--call <CallSid>', 'only the recordings of this call')
    .option('--limit <n>', 'how many', '20')
    .action(async (opts: { call?: string; limit: string }) => {
      const rows = await db((d) =>
        listRecordings(d, {
          limit: Number(opts.limit) || 20,
          ...(opts.call ? { callSid: opts.call } : {}),
        }),
      );
      const cells = rows.map((r) => [
        r.recordingSid,
        r.callSid ?? '-',
        r.source,
        r.status,
        r.durationSeconds === null ? '-' : `${r.durationSeconds}s`,
        r.onHold ? 'hold' : '-',
        r.purgedAt ? `purged ${r.purgedAt}` : (r.retainUntil ?? '-'),
      ]);
      console.log(
        table(['recording', 'call', 'source', 'status', 'length', 'hold', 'retain until'], cells),
      );
    });

  program
    .command('get <RecordingSid>')
    .description('decrypt a recording to a WAV file (audited)')
    .option('--out <file>', 'where to write it (default: ./<RecordingSid>.wav)')
    .option(...actor)
    .action(async (sid: string, opts: { out?: string; actor?: string }) => {
      const c = config();
      const file = path.resolve(opts.out ?? `${checkSid(sid)}.wav`);
      const deps = { storage: storageFromConfig(c), keys: keyRingFromConfig(c) };
      const out = await db((d) =>
        exportMedia({ db: d, ...deps }, checkSid(sid), actorOf(opts), file),
      );
      console.log(`${file}: ${out.bytes} bytes, sha256 ${out.sha256}`);
    });

  program
    .command('transcript <RecordingSid>')
    .description("print a recording's redacted transcripts (audited)")
    .option('--json', 'as JSON')
    .option(...actor)
    .action(async (sid: string, opts: { json?: boolean; actor?: string }) => {
      const list = await db((d) => readTranscripts(d, checkSid(sid), actorOf(opts)));
      if (opts.json) return void console.log(JSON.stringify(list, null, 2));
      if (list.length === 0) return void console.log('no transcript');
      for (const t of list) {
        const kinds =
          Object.entries(t.redactions)
            .map(([k, n]) => `${k}×${n}`)
            .join(', ') || 'none';
        console.log(`[${t.provider}] redacted: ${kinds}\n${t.text}\n`);
      }
    });

  const operator = (name: string, description: string, run: typeof holdRecording) =>
    program
      .command(`${name} <RecordingSid>`)
      .description(description)
      .option('--reason <text>', 'why, for the audit log')
      .option(...actor)
      .action(async (sid: string, opts: { reason?: string; actor?: string }) => {
        const snapshot = await withClient(config(), (client) =>
          run(client, checkSid(sid), {
            actor: actorOf(opts),
            ...(opts.reason ? { reason: opts.reason } : {}),
          }),
        );
        console.log(JSON.stringify(snapshot, null, 2));
      });
  operator(
    'hold',
    'put a legal hold on a recording: no purge until released (audited)',
    holdRecording,
  );
  operator('release', 'release a legal hold (audited)', releaseRecording);
  operator(
    'purge',
    "purge a recording's media and transcripts now (audited; refused on hold)",
    purgeRecordingNow,
  );

  program
    .command('policy <source> <retention>')
    .description(
      'set how long recordings of a source (voicemail, call, conference) are kept, e.g. 30d; applies to stored ones',
    )
    .option(...actor)
    .action(async (source: string, retention: string, opts: { actor?: string }) => {
      if (!SOURCES.includes(source as RecordingSource))
        throw new Error(`source must be one of ${SOURCES.join(', ')}`);
      const seconds = parseRetention(retention);
      const out = await withClient(config(), (client) =>
        db((d) =>
          setRetentionPolicy({ db: d, client }, source as RecordingSource, seconds, actorOf(opts)),
        ),
      );
      console.log(
        `${source}: ${seconds}s; ${out.updated} stored recording(s) updated, ${out.signalled} workflow(s) told`,
      );
    });

  program
    .command('rotate-key')
    .description('re-encrypt every stored recording not under RECORDING_ENCRYPTION_KEY_ID')
    .option(...actor)
    .action(async (opts: { actor?: string }) => {
      const c = config();
      const deps = { storage: storageFromConfig(c), keys: keyRingFromConfig(c) };
      const out = await db((d) => rotateKeys({ db: d, ...deps }, actorOf(opts)));
      console.log(`rotated ${out.rotated.length} recording(s) to key ${deps.keys.currentId}`);
      for (const f of out.failed) console.log(`failed ${f.recordingSid}: ${f.error}`);
      if (out.failed.length) process.exitCode = 1;
    });
}
