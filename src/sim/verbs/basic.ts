import { callerHangsUp, hangsUpDuring, intAttr, methodAttr, NEXT, resolveUrl } from '../exec';
import type { Exec, VerbResult } from '../exec';
import type { TwimlNode } from '../twiml';

/** Spoken words take about 0.4 s each at Twilio's default speaking rate. */
const MS_PER_WORD = 400;
const MS_PER_PLAY = 5000;

export async function say(exec: Exec, node: TwimlNode): Promise<VerbResult> {
  const loop = intAttr(node.attrs.loop, 1);
  const text = node.text;
  exec.leg.note({
    type: 'say',
    text,
    voice: node.attrs.voice ?? 'man',
    language: node.attrs.language ?? 'en-US',
    loop,
  });
  if (hangsUpDuring(exec, 'Say')) return callerHangsUp(exec);
  const words = text.split(/\s+/).filter(Boolean).length;
  await exec.leg.spend(words * MS_PER_WORD * Math.max(loop, 1));
  // loop="0" repeats until the call ends: a scripted party hangs up after hearing it once.
  if (loop === 0) return callerHangsUp(exec);
  return NEXT;
}

export async function play(exec: Exec, node: TwimlNode): Promise<VerbResult> {
  const digits = node.attrs.digits;
  const loop = intAttr(node.attrs.loop, 1);
  if (digits !== undefined) {
    exec.leg.note({ type: 'play-digits', digits });
    await exec.leg.spend(digits.length * 500);
  } else {
    exec.leg.note({ type: 'play', url: resolveUrl(exec, node.text) ?? node.text, loop });
    if (hangsUpDuring(exec, 'Play')) return callerHangsUp(exec);
    await exec.leg.spend(MS_PER_PLAY * Math.max(loop, 1));
    if (loop === 0) return callerHangsUp(exec);
  }
  return NEXT;
}

export async function pause(exec: Exec, node: TwimlNode): Promise<VerbResult> {
  const seconds = intAttr(node.attrs.length, 1);
  exec.leg.note({ type: 'pause', seconds });
  if (hangsUpDuring(exec, 'Pause')) return callerHangsUp(exec);
  await exec.leg.spend(seconds * 1000);
  return NEXT;
}

export function hangup(exec: Exec): VerbResult {
  exec.leg.note({ type: 'hangup', by: 'twiml' });
  exec.leg.finish('completed');
  return { kind: 'end' };
}

/** Only a first-verb <Reject> leaves a call unanswered: busy, or no-answer for "rejected". */
export function reject(exec: Exec, node: TwimlNode): VerbResult {
  const reason = node.attrs.reason === 'busy' ? 'busy' : 'rejected';
  exec.leg.note({ type: 'reject', reason });
  if (exec.leg.answered) exec.leg.finish('completed');
  else exec.leg.finish(reason === 'busy' ? 'busy' : 'no-answer');
  return { kind: 'end' };
}

export function redirect(exec: Exec, node: TwimlNode): VerbResult {
  // An empty <Redirect/> requests the current document again, as Twilio does.
  const url = node.text.trim() === '' ? exec.docUrl : resolveUrl(exec, node.text);
  if (!url) {
    exec.leg.note({ type: 'error', code: 12200, message: '<Redirect> without a usable URL' });
    return NEXT;
  }
  return {
    kind: 'goto',
    next: { url, method: methodAttr(node.attrs.method), purpose: 'redirect' },
  };
}
