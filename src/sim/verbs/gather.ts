import { callerHangsUp, hangsUpDuring, intAttr, methodAttr, NEXT, resolveUrl } from '../exec';
import type { Exec, VerbResult } from '../exec';
import type { TwimlNode } from '../twiml';
import { pause, play, say } from './basic';

/** Verbs Twilio allows inside <Gather>. */
const PROMPTS: Record<string, (exec: Exec, node: TwimlNode) => Promise<VerbResult>> = {
  Say: say,
  Play: play,
  Pause: pause,
};

export async function gather(exec: Exec, node: TwimlNode): Promise<VerbResult> {
  const { leg } = exec;
  const a = node.attrs;
  const inputs = (a.input ?? 'dtmf').split(/\s+/);
  const acceptsDigits = inputs.includes('dtmf');
  const acceptsSpeech = inputs.includes('speech');
  const timeout = intAttr(a.timeout, 5);
  const numDigits = intAttr(a.numDigits, 0);
  const finishOnKey = a.finishOnKey ?? '#';

  for (const child of node.children) {
    const run = PROMPTS[child.name];
    if (!run) {
      leg.note({ type: 'unsupported', verb: child.name });
      continue;
    }
    const r = await run(exec, child);
    if (r.kind !== 'next') return r;
    if (leg.pending) return { kind: 'interrupt' };
  }
  if (hangsUpDuring(exec, 'Gather')) return callerHangsUp(exec);

  const scripted = leg.script.gathers?.[leg.gatherIndex];
  leg.gatherIndex++;
  const params: Record<string, string> = {};
  if (scripted && 'digits' in scripted && acceptsDigits) {
    let digits = scripted.digits;
    // The finishOnKey digit ends input and is not part of Digits.
    const stop = finishOnKey === '' ? -1 : digits.indexOf(finishOnKey);
    if (stop >= 0) digits = digits.slice(0, stop);
    if (numDigits > 0) digits = digits.slice(0, numDigits);
    leg.note({ type: 'input', verb: 'Gather', digits });
    await leg.spend(scripted.digits.length * 300);
    if (digits !== '') params.Digits = digits;
  } else if (scripted && 'speech' in scripted && acceptsSpeech) {
    const confidence = scripted.confidence ?? 0.9;
    leg.note({ type: 'input', verb: 'Gather', speech: scripted.speech, confidence });
    await leg.spend(scripted.speech.split(/\s+/).length * 400);
    params.SpeechResult = scripted.speech;
    params.Confidence = String(confidence);
  } else {
    leg.note({ type: 'silence', verb: 'Gather', seconds: timeout });
    await leg.spend(timeout * 1000);
  }

  const empty = Object.keys(params).length === 0;
  // Without input Twilio moves on to the next verb unless actionOnEmptyResult asks otherwise.
  if (empty && a.actionOnEmptyResult !== 'true') return NEXT;
  // Without an action Twilio posts back to the document that held the <Gather>.
  const url = resolveUrl(exec, a.action) ?? exec.docUrl;
  if (!url) return NEXT;
  return {
    kind: 'goto',
    next: { url, method: methodAttr(a.method), params, purpose: 'action' },
  };
}
