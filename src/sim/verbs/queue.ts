import type { CallLeg } from '../call-leg';
import { callerHangsUp, intAttr, methodAttr, NEXT, reportAfterHangup, resolveUrl } from '../exec';
import type { Exec, VerbResult } from '../exec';
import { SimQueue, type QueueMember } from '../queues';
import { parseTwiml, type TwimlNode } from '../twiml';
import type { HttpMethod } from '../webhook-client';

/** How long (real ms) a queued caller waits for a dequeue before the waitUrl is requested again. */
const WAIT_SLICE_MS = 1000;

type WaitEnd = 'bridged' | 'hangup' | 'leave' | 'redirected' | 'hungup-by-twiml';

/**
 * `<Enqueue waitUrl>`: the caller waits at the back of the queue hearing the waitUrl's TwiML
 * (requested with QueueSid, QueuePosition, QueueTime, AvgQueueTime, CurrentQueueSize,
 * MaxQueueSize, and again each time it runs out) until a `<Dial><Queue>` takes it, a `<Leave>`
 * in the wait document releases it, or the caller hangs up (its script's `conferenceStayMs`).
 * Then the `action` gets QueueResult (bridged, leave, hangup, queue-full, redirected) with
 * QueueSid and QueueTime; without one the call continues after `<Enqueue>` (a bridged caller
 * hangs up when the agent's call ends).
 */
export async function enqueue(exec: Exec, node: TwimlNode): Promise<VerbResult> {
  const { core, leg } = exec;
  const name = node.text.trim();
  if (name === '') {
    leg.note({ type: 'error', code: 12200, message: '<Enqueue> without a queue name' });
    return NEXT;
  }
  const queue = SimQueue.named(core, name);
  const actionUrl = resolveUrl(exec, node.attrs.action);
  const method = methodAttr(node.attrs.method);
  const result = (r: string, qt = 0) => ({
    QueueResult: r,
    QueueSid: queue.record.sid,
    QueueTime: String(qt),
  });
  if (queue.full) {
    if (!actionUrl) return NEXT;
    return goto(actionUrl, method, result('queue-full'));
  }
  const member = queue.add(leg);
  leg.note({
    type: 'queue',
    name,
    queueSid: queue.record.sid,
    event: 'enqueued',
    position: queue.position(member),
  });
  const waitUrl = resolveUrl(exec, node.attrs.waitUrl);
  const waitMethod = methodAttr(node.attrs.waitUrlMethod);
  const end = await waitInQueue(exec, queue, member, waitUrl, waitMethod);
  const seconds = queue.secondsWaited(member);
  queue.remove(member);
  leg.note({
    type: 'queue',
    name,
    queueSid: queue.record.sid,
    event: end === 'bridged' ? 'dequeued' : 'left',
  });
  if (end === 'redirected') return { kind: 'interrupt' };
  if (end === 'bridged') {
    await member.dequeued?.bridged;
    await reportAfterHangup(exec, actionUrl, method, result('bridged', seconds));
    return callerHangsUp(exec);
  }
  if (end === 'hangup' || end === 'hungup-by-twiml') {
    await reportAfterHangup(exec, actionUrl, method, result('hangup', seconds));
    if (end === 'hungup-by-twiml') {
      leg.note({ type: 'hangup', by: 'twiml' });
      leg.finish('completed');
      return { kind: 'end' };
    }
    return callerHangsUp(exec);
  }
  if (!actionUrl) return NEXT;
  return goto(actionUrl, method, result('leave', seconds));
}

function goto(url: string, method: HttpMethod, params: Record<string, string>): VerbResult {
  return { kind: 'goto', next: { url, method, params, purpose: 'action' } };
}

async function waitInQueue(
  exec: Exec,
  queue: SimQueue,
  member: QueueMember,
  waitUrl: string | undefined,
  waitMethod: HttpMethod,
): Promise<WaitEnd> {
  const { core, leg } = exec;
  const stayMs = Math.min(
    leg.script.conferenceStayMs ?? core.maxConferenceMs,
    core.maxConferenceMs,
  );
  const deadline = Date.now() + stayMs;
  let next: { url: string; method: HttpMethod } | undefined = waitUrl
    ? { url: waitUrl, method: waitMethod }
    : undefined;
  for (;;) {
    if (member.dequeued) return 'bridged';
    if (leg.pending) return 'redirected';
    if (next) {
      const heard = await playWaitDocument(exec, queue, member, next);
      if (heard.end) return heard.end;
      next = heard.next ?? (waitUrl ? { url: waitUrl, method: waitMethod } : undefined);
      if (member.dequeued) return 'bridged';
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return 'hangup';
    const started = Date.now();
    await leg.waitReal(Math.min(remaining, WAIT_SLICE_MS));
    leg.elapsedMs += Date.now() - started;
  }
}

/** Runs one waitUrl document: Say, Play (any loop plays once per pass), Pause, Leave, Hangup, Redirect. */
async function playWaitDocument(
  exec: Exec,
  queue: SimQueue,
  member: QueueMember,
  at: { url: string; method: HttpMethod },
): Promise<{ end?: WaitEnd; next?: { url: string; method: HttpMethod } }> {
  const { core, leg } = exec;
  const params = {
    ...leg.baseParams(),
    QueueSid: queue.record.sid,
    QueuePosition: String(queue.position(member)),
    QueueTime: String(queue.secondsWaited(member)),
    AvgQueueTime: String(queue.averageWait()),
    CurrentQueueSize: String(queue.members.length),
    MaxQueueSize: String(queue.record.maxSize),
  };
  const { outcome, attempts } = await core.webhooks.send({ ...at, params });
  leg.noteAttempts(attempts, 'wait-url', params);
  if (!outcome.ok) {
    leg.note({ type: 'error', code: outcome.errorCode, message: outcome.message, url: at.url });
    return {};
  }
  const type = outcome.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('audio/')) {
    leg.note({ type: 'play', url: at.url, loop: 1 });
    await leg.spend(5000);
    return {};
  }
  let verbs: readonly TwimlNode[];
  try {
    verbs = parseTwiml(outcome.body).children;
  } catch (err) {
    leg.note({ type: 'error', code: 12100, message: String(err), url: at.url });
    return {};
  }
  const waitExec: Exec = { ...exec, docUrl: at.url };
  for (const verb of verbs) {
    if (member.dequeued || leg.pending) return {};
    if (verb.name === 'Leave') return { end: 'leave' };
    if (verb.name === 'Hangup') return { end: 'hungup-by-twiml' };
    if (verb.name === 'Redirect') {
      const url = verb.text.trim() === '' ? at.url : resolveUrl(waitExec, verb.text);
      return url ? { next: { url, method: methodAttr(verb.attrs.method) } } : {};
    }
    await hear(waitExec, leg, verb);
  }
  return {};
}

async function hear(exec: Exec, leg: CallLeg, verb: TwimlNode): Promise<void> {
  if (verb.name === 'Say') {
    leg.note({
      type: 'say',
      text: verb.text,
      voice: verb.attrs.voice ?? 'man',
      language: verb.attrs.language ?? 'en-US',
      loop: 1,
    });
    await leg.spend(verb.text.split(/\s+/).filter(Boolean).length * 400);
  } else if (verb.name === 'Play') {
    leg.note({ type: 'play', url: resolveUrl(exec, verb.text) ?? verb.text, loop: 1 });
    await leg.spend(5000);
  } else if (verb.name === 'Pause') {
    leg.note({ type: 'pause', seconds: intAttr(verb.attrs.length, 1) });
    await leg.spend(intAttr(verb.attrs.length, 1) * 1000);
  } else {
    leg.note({ type: 'unsupported', verb: verb.name });
  }
}
