import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, readWavInfo, type Simulator } from '../../src/sim';
import { createTwilioClient, type TwilioClient } from '../../src/twilio/client';
import { startTwimlServer, twiml, type TwimlServer } from './helpers';

const DOCUMENTED = [
  'AccountSid',
  'CallSid',
  'RecordingSid',
  'RecordingUrl',
  'RecordingStatus',
  'RecordingDuration',
  'RecordingChannels',
  'RecordingSource',
  'RecordingStartTime',
];

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('simulator recordings', () => {
  let sim: Simulator;
  let client: TwilioClient;
  let app: TwimlServer;
  let dir: string;
  let speech: string;
  let auth: Record<string, string>;
  const mediaUrl = (sid: string): string =>
    `${sim.baseUrl}/2010-04-01/Accounts/${sim.accountSid}/Recordings/${sid}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-rec-'));
    speech = path.join(dir, 'speech.wav');
    const raw = path.join(dir, 'raw.wav');
    execFileSync('flite', ['-voice', 'rms', '-t', 'my card number is four one one one', '-o', raw]);
    execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', speech]);
    sim = buildSimulator({ seed: 11, webhookTimeoutMs: 3000 });
    const base = await sim.start(0);
    client = createTwilioClient({
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      apiBaseUrl: base,
    });
    auth = {
      Authorization: `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`,
    };
    app = await startTwimlServer({
      '/vm': () =>
        twiml(
          '<Record action="/after" recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed absent failed"/><Say>Next</Say>',
        ),
      '/conf': () => twiml('<Dial><Conference>rec-room</Conference></Dial>'),
    });
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const voicemail = async (
    records: NonNullable<Parameters<Simulator['placeInboundCall']>[0]['script']>['records'],
  ) => {
    const run = await sim.placeInboundCall({
      to: '+15005550006',
      from: '+14155550100',
      voiceUrl: `${app.url}/vm`,
      script: { records },
    });
    await sim.idle();
    return {
      run,
      callbacks: app
        .to('/rec')
        .filter((r) => r.params.CallSid === run.callSid)
        .map((r) => r.params),
    };
  };

  it('serves a scripted WAV file as the recording, with every documented callback parameter', async () => {
    const { run, callbacks } = await voicemail([{ audioFile: speech }]);
    expect(callbacks.map((c) => c.RecordingStatus)).toEqual(['in-progress', 'completed']);
    const done = callbacks[1]!;
    for (const name of DOCUMENTED) expect(done[name], name).toBeTruthy();
    expect(done).toMatchObject({
      RecordingSource: 'RecordVerb',
      RecordingChannels: '1',
      AccountSid: sim.accountSid,
    });
    expect(done.ErrorCode).toBeUndefined();
    expect(Number(done.RecordingDuration)).toBe(
      Math.max(1, Math.round(readWavInfo(readFileSync(speech)).durationSec)),
    );
    expect(done.RecordingUrl).toBe(mediaUrl(done.RecordingSid!));
    expect(run.transcript.of('recording')[0]?.recordingSid).toBe(done.RecordingSid);
    // Basic auth is required; no extension and .wav both serve the file's exact bytes.
    expect((await fetch(done.RecordingUrl!)).status).toBe(401);
    for (const url of [done.RecordingUrl!, `${done.RecordingUrl!}.wav`]) {
      const res = await fetch(url, { headers: auth });
      expect(res.headers.get('content-type')).toContain('audio/x-wav');
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(speech))).toBe(true);
    }
  });

  it('reports absent (16101 too short, 16102 silent) and failed recordings, without media', async () => {
    const cases = [
      [{ outcome: 'too-short' as const }, 'absent', '16101'],
      [{ silent: true }, 'absent', '16102'],
      [{ outcome: 'failed' as const, errorCode: 16104 }, 'failed', '16104'],
    ] as const;
    for (const [input, status, code] of cases) {
      const { run, callbacks } = await voicemail([input]);
      expect(callbacks.map((c) => c.RecordingStatus)).toEqual(['in-progress', status]);
      expect(callbacks[1]).toMatchObject({ ErrorCode: code, RecordingDuration: '0' });
      expect(app.to('/after').some((r) => r.params.CallSid === run.callSid)).toBe(false);
      const res = await fetch(`${callbacks[1]!.RecordingUrl}.wav`, { headers: auth });
      expect(res.status).toBe(404);
    }
  });

  it('serves tens of MB made on each request, the same bytes every time', async () => {
    const { callbacks } = await voicemail([{ sizeBytes: 30_000_000, text: 'long' }]);
    const sid = callbacks[1]!.RecordingSid!;
    expect(sim.core.store.recordings.get(sid)?.media).toBeUndefined();
    const digests: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${mediaUrl(sid)}.wav`, { headers: auth });
      const size = Number(res.headers.get('content-length'));
      expect(size).toBeGreaterThan(29_000_000);
      expect(size).toBeLessThan(31_000_000);
      const hash = createHash('sha256');
      let bytes = 0;
      let head: Buffer | undefined;
      for await (const chunk of res.body!) {
        const b = Buffer.from(chunk);
        head ??= b;
        bytes += b.length;
        hash.update(b);
      }
      expect(bytes).toBe(size);
      expect(readWavInfo(head!).channels).toBe(1);
      digests.push(hash.digest('hex'));
    }
    expect(digests[0]).toBe(digests[1]);
    expect(Number(callbacks[1]!.RecordingDuration)).toBeGreaterThan(1800);
  });

  it('interrupts a download mid-stream when told to, then serves it whole', async () => {
    const { callbacks } = await voicemail([{ audioFile: speech }]);
    const sid = callbacks[1]!.RecordingSid!;
    sim.setFaults({ media: { interruptAfterBytes: 1000, times: 1, recordingSids: [sid] } });
    try {
      const cut = await fetch(`${mediaUrl(sid)}.wav`, { headers: auth });
      expect(cut.status).toBe(200);
      expect(Number(cut.headers.get('content-length'))).toBe(readFileSync(speech).length);
      await expect(cut.arrayBuffer()).rejects.toThrow();
      const whole = await fetch(`${mediaUrl(sid)}.wav`, { headers: auth });
      expect(Buffer.from(await whole.arrayBuffer()).equals(readFileSync(speech))).toBe(true);
    } finally {
      sim.setFaults({});
    }
  });

  it('deletes a recording: its resource and media are gone', async () => {
    const { callbacks } = await voicemail([{ text: 'delete me' }]);
    const sid = callbacks[1]!.RecordingSid!;
    const del = await fetch(`${mediaUrl(sid)}.json`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(204);
    expect((await fetch(`${mediaUrl(sid)}.wav`, { headers: auth })).status).toBe(404);
    await expect(client.recordings(sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it('REST-started recordings: dual by default, track, absolute media_url, pause skip and silence', async () => {
    const party = '+15005550070';
    sim.setParty(party, {
      answer: 'answer',
      conferenceStayMs: 15_000,
      callRecording: { audioFile: speech },
    });
    const call = await client.calls.create({
      to: party,
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => sim.core.live.get(call.sid)?.record.status === 'in-progress');

    const dual = await client
      .calls(call.sid)
      .recordings.create({ recordingStatusCallback: `${app.url}/rec70` });
    expect(dual).toMatchObject({ channels: 2, track: 'both', source: 'StartCallRecordingAPI' });
    const json = (await (await fetch(`${mediaUrl(dual.sid)}.json`, { headers: auth })).json()) as {
      media_url: string;
    };
    expect(json.media_url).toBe(mediaUrl(dual.sid));

    const mono = await client
      .calls(call.sid)
      .recordings.create({ recordingChannels: 'mono', recordingTrack: 'inbound' });
    expect(mono).toMatchObject({ channels: 1, track: 'inbound' });
    await expect(
      client.calls(call.sid).recordings.create({ recordingTrack: 'sideways' }),
    ).rejects.toMatchObject({
      status: 400,
    });

    // A second call whose recordings are timed by the meter (a file fixes its own length).
    const timedParty = '+15005550071';
    sim.setParty(timedParty, {
      answer: 'answer',
      conferenceStayMs: 15_000,
      callRecording: { text: 'card details' },
    });
    const timed = await client.calls.create({
      to: timedParty,
      from: '+14155550100',
      url: `${app.url}/conf`,
    });
    await waitUntil(() => sim.core.live.get(timed.sid)?.record.status === 'in-progress');
    const skip = await client.calls(timed.sid).recordings.create({});
    const silence = await client.calls(timed.sid).recordings.create({});
    await client
      .calls(timed.sid)
      .recordings(skip.sid)
      .update({ status: 'paused', pauseBehavior: 'skip' });
    await client
      .calls(timed.sid)
      .recordings(silence.sid)
      .update({ status: 'paused', pauseBehavior: 'silence' });
    await new Promise((r) => setTimeout(r, 2500));
    for (const r of [skip, silence])
      await client.calls(timed.sid).recordings(r.sid).update({ status: 'in-progress' });
    for (const r of [skip, silence])
      await client.calls(timed.sid).recordings(r.sid).update({ status: 'stopped' });
    await waitUntil(
      async () => (await client.recordings(silence.sid).fetch()).status === 'completed',
    );
    await waitUntil(async () => (await client.recordings(skip.sid).fetch()).status === 'completed');
    // Skipped pause time is not in the recording; a silenced pause is.
    const [skipped, silenced] = [
      Number((await client.recordings(skip.sid).fetch()).duration),
      Number((await client.recordings(silence.sid).fetch()).duration),
    ];
    expect(silenced).toBeGreaterThanOrEqual(2);
    expect(silenced - skipped).toBeGreaterThanOrEqual(1);
    await client.calls(call.sid).recordings(dual.sid).update({ status: 'stopped' });
    await waitUntil(async () => (await client.recordings(dual.sid).fetch()).status === 'completed');
    await client.calls(timed.sid).update({ status: 'completed' });
    await client.calls(call.sid).update({ status: 'completed' });
    const run = await sim.waitForCall(timed.sid);
    await sim.idle();

    const controls = run.transcript
      .of('recording-control')
      .filter((e) => e.recordingSid === skip.sid);
    expect(
      controls.map((e) => `${e.status}${e.pauseBehavior ? `:${e.pauseBehavior}` : ''}`),
    ).toEqual(['in-progress', 'paused:skip', 'in-progress', 'stopped']);
    // The scripted file is what the first call's recording holds.
    const res = await fetch(`${mediaUrl(dual.sid)}.wav`, { headers: auth });
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(speech))).toBe(true);
    const done = app.to('/rec70').at(-1)?.params;
    expect(done).toMatchObject({
      RecordingSid: dual.sid,
      RecordingStatus: 'completed',
      RecordingSource: 'StartCallRecordingAPI',
    });
  });
});
