import { optional } from '../optional';
import type { CallLeg } from '../call-leg';
import {
  callerHangsUp,
  hangsUpDuring,
  intAttr,
  methodAttr,
  NEXT,
  reportAfterHangup,
  resolveUrl,
} from '../exec';
import type { Exec, VerbResult } from '../exec';
import { runLeg } from '../interpreter';
import { createLeg, statusCallbackConfig } from '../legs';
import type { CallStatus } from '../model';
import { isE164, isValidVoiceAddress } from '../phone';
import { ringOutcome } from '../sip';
import { addressOf, invalidDestination, sipAuthOf, sipParams } from './dial-targets';
import { completeRecording, openRecording, parseRecordingEvents } from '../recordings';
import type { TwimlNode } from '../twiml';
import { joinConference } from './conference';
import { dialQueue } from './dial-queue';

const DIALABLE = new Set(['Number', 'Client', 'Sip']);
const RECORD_VALUES = new Set([
  'true',
  'record-from-answer',
  'record-from-ringing',
  'record-from-answer-dual',
  'record-from-ringing-dual',
]);

export async function dial(exec: Exec, node: TwimlNode): Promise<VerbResult> {
  const { core, leg } = exec;
  const a = node.attrs;
  const nouns: TwimlNode[] =
    node.children.length > 0
      ? [...node.children]
      : node.text !== ''
        ? [{ name: 'Number', attrs: {}, children: [], text: node.text }]
        : [];

  const conference = nouns.find((n) => n.name === 'Conference');
  if (conference) return joinConference(exec, node, conference);
  const queue = nouns.find((n) => n.name === 'Queue');
  if (queue) return dialQueue(exec, node, queue);

  const targets: { noun: TwimlNode; address: string }[] = [];
  for (const noun of nouns) {
    if (!DIALABLE.has(noun.name)) {
      leg.note({ type: 'unsupported', verb: noun.name });
      continue;
    }
    const address = addressOf(noun);
    if (!isValidVoiceAddress(address)) {
      leg.note({ type: 'error', ...invalidDestination(noun, address) });
      continue;
    }
    // 13214: a callerId that is not a number cannot be shown to a phone (a SIP or Client callee
    // may see any name, as in Twilio's <Sip> examples).
    if (noun.name === 'Number' && a.callerId !== undefined && !isE164(a.callerId)) {
      leg.note({ type: 'error', code: 13214, message: `Dial: Invalid callerId '${a.callerId}'` });
      continue;
    }
    // <Number byoc="BY…"> leaves through that BYOC trunk; one the account lacks is refused.
    const byoc = noun.name === 'Number' ? noun.attrs.byoc : undefined;
    if (byoc !== undefined && !core.store.byocTrunks.has(byoc)) {
      leg.note({ type: 'error', code: 21218, message: `Dial: unknown BYOC trunk '${byoc}'` });
      continue;
    }
    targets.push({ noun, address });
  }
  if (targets.length === 0) return NEXT;

  const timeout = intAttr(a.timeout, 30);
  const children = targets.map(({ noun, address }) => {
    const child = createLeg(core, {
      to: address,
      from: a.callerId ?? leg.record.from,
      direction: 'outbound-dial',
      parentCallSid: leg.sid,
      script: core.partyFor(address),
      transcript: leg.transcript,
      options: {
        ...optional('sipAuth', sipAuthOf(noun)),
        ...optional('byoc', noun.name === 'Number' ? noun.attrs.byoc : undefined),
        ...optional(
          'statusCallback',
          statusCallbackConfig(
            resolveUrl(exec, noun.attrs.statusCallback),
            noun.attrs.statusCallbackMethod,
            noun.attrs.statusCallbackEvent,
          ),
        ),
      },
    });
    return { noun, child };
  });

  // Every noun rings at once; the first to answer wins and the others are canceled.
  const outcomes = new Map(children.map(({ child }) => [child, ringOutcome(core, child)]));
  const answerOf = (child: CallLeg) => outcomes.get(child)?.answer ?? 'answer';
  for (const { child } of children) {
    const sipCode = outcomes.get(child)?.sipCode;
    if (sipCode !== undefined) child.sipResponseCode = sipCode;
    leg.note({ type: 'leg', legSid: child.sid, to: child.record.to, status: 'queued' });
    child.emitInitiated();
    if (answerOf(child) === 'failed') child.finish('failed');
    else child.setStatus('ringing');
  }
  const winner = children.find(({ child }) => {
    const answer = answerOf(child);
    return (
      !child.ended &&
      (answer === 'answer' || answer === 'machine') &&
      (child.script.ringSeconds ?? 2) <= timeout
    );
  });
  const anyRinging = children.some(({ child }) => !child.ended && answerOf(child) !== 'busy');
  const ringMs = winner
    ? (winner.child.script.ringSeconds ?? 2) * 1000
    : anyRinging
      ? timeout * 1000
      : 1000;
  await leg.spend(ringMs);
  for (const { child } of children) {
    if (child.ended) continue;
    child.elapsedMs += ringMs;
    if (winner?.child === child) continue;
    const answer = answerOf(child);
    child.finish(winner ? 'canceled' : answer === 'busy' ? 'busy' : 'no-answer');
  }
  for (const { child } of children) {
    if (child !== winner?.child)
      leg.note({
        type: 'leg',
        legSid: child.sid,
        to: child.record.to,
        status: child.record.status,
      });
  }

  const actionUrl = resolveUrl(exec, a.action);
  const method = methodAttr(a.method);
  if (!winner) {
    const statuses = children.map(({ child }) => child.record.status);
    const dialStatus: CallStatus = statuses.includes('no-answer')
      ? 'no-answer'
      : statuses.includes('busy')
        ? 'busy'
        : 'failed';
    const first = children[0]?.child;
    const params: Record<string, string> = {
      DialCallStatus: dialStatus,
      DialCallSid: first?.sid ?? '',
      DialCallDuration: '0',
      ...sipParams(children),
    };
    if (!actionUrl) return NEXT;
    return { kind: 'goto', next: { url: actionUrl, method, params, purpose: 'action' } };
  }

  return bridge(exec, node, winner.noun, winner.child);
}

async function bridge(
  exec: Exec,
  node: TwimlNode,
  noun: TwimlNode,
  child: CallLeg,
): Promise<VerbResult> {
  const { core, leg } = exec;
  const a = node.attrs;
  child.answer();
  leg.note({ type: 'leg', legSid: child.sid, to: child.record.to, status: 'in-progress' });

  // <Number url> runs TwiML on the called party before the two are connected.
  const whisperUrl = resolveUrl(exec, noun.attrs.url);
  if (whisperUrl) {
    const before = child.elapsedMs;
    await runLeg(
      core,
      child,
      { url: whisperUrl, method: methodAttr(noun.attrs.method), purpose: 'dial-url' },
      {
        atEnd: 'return',
      },
    );
    // The caller keeps hearing ringback while the callee hears the whisper.
    leg.elapsedMs += child.elapsedMs - before;
  }
  // answerOnBridge keeps the caller's leg unanswered until the callee is connected.
  leg.answer();

  let recordingParams: Record<string, string> = {};
  let callerGone = false;
  if (!child.ended) {
    let talk = Math.min(child.script.talkSeconds ?? 5, intAttr(a.timeLimit, 14400));
    if (hangsUpDuring(exec, 'Dial')) {
      callerGone = true;
      talk = Math.ceil(talk / 2);
    }
    const recordMode = a.record ?? 'do-not-record';
    const recUrl = resolveUrl(exec, a.recordingStatusCallback);
    const rec = RECORD_VALUES.has(recordMode)
      ? openRecording(core, leg, {
          source: 'DialVerb',
          callSid: leg.sid,
          channels: recordMode.endsWith('-dual') ? 2 : 1,
          ...optional(
            'callback',
            recUrl
              ? {
                  url: recUrl,
                  method: methodAttr(a.recordingStatusCallbackMethod),
                  events: parseRecordingEvents(a.recordingStatusCallbackEvent),
                }
              : undefined,
          ),
        })
      : undefined;
    await leg.spend(talk * 1000);
    child.elapsedMs += talk * 1000;
    child.note({ type: 'hangup', by: callerGone ? 'caller' : 'callee' });
    child.finish('completed');
    if (rec) {
      const text = child.script.records?.[0]?.text ?? `conversation with ${child.record.to}`;
      await completeRecording(core, leg, rec, text, talk);
      leg.note({
        type: 'recording',
        recordingSid: rec.sid,
        durationSec: rec.duration,
        text,
        source: rec.source,
      });
      recordingParams = {
        RecordingUrl: core.recordingUrl(rec.sid),
        RecordingSid: rec.sid,
        RecordingDuration: String(rec.duration),
      };
    }
  }
  leg.note({ type: 'leg', legSid: child.sid, to: child.record.to, status: child.record.status });

  const params = {
    DialCallStatus: 'completed',
    DialCallSid: child.sid,
    DialCallDuration: String(child.durationSec()),
    ...(noun.name === 'Sip' ? sipParams([{ noun, child }]) : {}),
    ...recordingParams,
  };
  const actionUrl = resolveUrl(exec, a.action);
  const method = methodAttr(a.method);
  if (callerGone) {
    await reportAfterHangup(exec, actionUrl, method, params);
    return callerHangsUp(exec);
  }
  // Without an action Twilio continues with the verb after <Dial>.
  if (!actionUrl) return NEXT;
  return { kind: 'goto', next: { url: actionUrl, method, params, purpose: 'action' } };
}
