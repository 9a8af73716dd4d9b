import { intAttr, methodAttr, NEXT, resolveUrl } from '../exec';
import type { Exec, VerbResult } from '../exec';
import { runLeg } from '../interpreter';
import { SimQueue } from '../queues';
import type { TwimlNode } from '../twiml';

/**
 * `<Dial><Queue url>`: connects this call to the caller who has waited longest in the queue. An
 * empty queue is waited on until someone is enqueued or the Dial timeout passes (capped by this
 * party's `conferenceStayMs`, real time). The Queue noun's `url` runs on the dequeued caller
 * (with QueueSid, QueueTime, DequeingCallSid) before the two are bridged; the bridge lasts the
 * queued caller's `talkSeconds`, after which it hangs up and this call gets the Dial action.
 */
export async function dialQueue(
  exec: Exec,
  dialNode: TwimlNode,
  noun: TwimlNode,
): Promise<VerbResult> {
  const { core, leg } = exec;
  const name = noun.text.trim();
  const queue = SimQueue.named(core, name);
  const timeoutMs = intAttr(dialNode.attrs.timeout, 30) * 1000;
  const capMs = Math.min(leg.script.conferenceStayMs ?? core.maxConferenceMs, core.maxConferenceMs);
  const deadline = Date.now() + Math.min(timeoutMs, capMs);
  queue.agents.add(leg);
  let member = queue.takeFront();
  while (!member && !leg.pending && Date.now() < deadline) {
    const started = Date.now();
    await leg.waitReal(deadline - Date.now());
    leg.elapsedMs += Date.now() - started;
    member = queue.takeFront();
  }
  queue.agents.delete(leg);
  const actionUrl = resolveUrl(exec, dialNode.attrs.action);
  const method = methodAttr(dialNode.attrs.method);
  if (!member) {
    if (leg.pending) return { kind: 'interrupt' };
    const params = { DialCallStatus: 'no-answer', QueueSid: queue.record.sid };
    if (!actionUrl) return NEXT;
    return { kind: 'goto', next: { url: actionUrl, method, params, purpose: 'action' } };
  }
  let release = (): void => undefined;
  const bridged = new Promise<void>((r) => (release = r));
  member.dequeued = { by: leg, bridged };
  const caller = member.leg;
  const queueTime = String(queue.secondsWaited(member));
  caller.wake();
  leg.answer();
  const url = resolveUrl(exec, noun.attrs.url);
  if (url) {
    await runLeg(
      core,
      caller,
      {
        url,
        method: methodAttr(noun.attrs.method),
        purpose: 'dial-url',
        params: { QueueSid: queue.record.sid, QueueTime: queueTime, DequeingCallSid: leg.sid },
      },
      { atEnd: 'return' },
    );
  }
  leg.note({ type: 'leg', legSid: caller.sid, to: caller.record.from, status: 'in-progress' });
  const talkMs = (caller.script.talkSeconds ?? 5) * 1000;
  await leg.spend(talkMs);
  caller.elapsedMs += talkMs;
  release();
  const params = {
    DialCallStatus: 'completed',
    DialCallSid: caller.sid,
    DialCallDuration: String(Math.round(talkMs / 1000)),
    QueueSid: queue.record.sid,
  };
  if (!actionUrl) return NEXT;
  return { kind: 'goto', next: { url: actionUrl, method, params, purpose: 'action' } };
}
