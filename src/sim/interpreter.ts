import type { CallLeg } from './call-leg';
import type { SimCore } from './core';
import { voiceErrors } from './errors';
import type { Exec, Next, VerbResult } from './exec';
import { parseTwiml, TwimlParseError, type TwimlNode } from './twiml';
import { hangup, pause, play, redirect, reject, say } from './verbs/basic';
import { dial } from './verbs/dial';
import { gather } from './verbs/gather';
import { enqueue } from './verbs/queue';
import { record } from './verbs/record';

type Verb = (exec: Exec, node: TwimlNode) => VerbResult | Promise<VerbResult>;

const VERBS: Record<string, Verb> = {
  Say: say,
  Play: play,
  Pause: pause,
  Gather: gather,
  Dial: dial,
  Record: record,
  Redirect: redirect,
  Hangup: hangup,
  Reject: reject,
  Enqueue: enqueue,
};

/** The names this interpreter executes; any other verb is reported as unsupported. */
export const SUPPORTED_VERBS: readonly string[] = Object.keys(VERBS);

const MAX_REQUESTS_PER_CALL = 100;

/** Twilio accepts these content types as TwiML for a voice request. */
const TWIML_TYPES = ['text/xml', 'application/xml', 'text/html'];

export interface RunOptions {
  /** `hangup` ends the call at the end of a document (Twilio's rule); `return` hands back (Dial url). */
  atEnd?: 'hangup' | 'return';
}

interface LoadedDoc {
  root: TwimlNode;
  url: string | undefined;
}

/** Runs TwiML on a leg until the call ends (or, with atEnd=return, until the documents run out). */
export async function runLeg(
  core: SimCore,
  leg: CallLeg,
  first: Next,
  opts: RunOptions = {},
): Promise<void> {
  let next: Next | null = first;
  while (next && !leg.ended) {
    const doc = await load(core, leg, next);
    if (!doc) return;
    const exec: Exec = { core, leg, docUrl: doc.url };
    const result = await runVerbs(exec, doc.root.children);
    next = null;
    if (result.kind === 'goto') next = result.next;
    else if (result.kind === 'interrupt') next = takeInterrupt(leg);
    else if (result.kind === 'next' && !leg.ended) {
      if (opts.atEnd === 'return') return;
      // Twilio hangs up when a document runs out of verbs.
      leg.note({ type: 'hangup', by: 'end-of-document' });
      leg.finish('completed');
    }
  }
}

export function takeInterrupt(leg: CallLeg): Next | null {
  const i = leg.pending;
  leg.pending = null;
  if (!i) return null;
  if (i.kind === 'redirect') return { url: i.url, method: i.method, purpose: 'redirect' };
  if (i.kind === 'twiml') return { twiml: i.twiml };
  leg.note({ type: 'hangup', by: i.by ?? 'rest' });
  leg.finish(leg.answered ? 'completed' : 'canceled');
  return null;
}

async function runVerbs(exec: Exec, verbs: readonly TwimlNode[]): Promise<VerbResult> {
  const { leg } = exec;
  for (const node of verbs) {
    if (leg.ended) return { kind: 'end' };
    if (leg.pending) return { kind: 'interrupt' };
    const limit = leg.script.hangupAfterVerbs;
    if (limit !== undefined && leg.verbCount >= limit) {
      leg.note({ type: 'hangup', by: 'caller' });
      leg.finish(leg.answered ? 'completed' : 'canceled');
      return { kind: 'end' };
    }
    const run = VERBS[node.name];
    if (!run) {
      leg.note({ type: 'unsupported', verb: node.name });
      continue;
    }
    leg.verbCount++;
    // Any verb but <Reject>, or a <Dial answerOnBridge>, makes Twilio answer the call.
    if (node.name !== 'Reject' && !(node.name === 'Dial' && node.attrs.answerOnBridge === 'true'))
      leg.answer();
    const result = await run(exec, node);
    if (result.kind !== 'next') return result;
  }
  return leg.pending ? { kind: 'interrupt' } : { kind: 'next' };
}

/** Fetches (or parses) the next document; failures end the call as Twilio's application error. */
async function load(core: SimCore, leg: CallLeg, next: Next): Promise<LoadedDoc | null> {
  if ('twiml' in next) {
    try {
      return { root: parseTwiml(next.twiml), url: undefined };
    } catch (err) {
      return applicationError(core, leg, voiceErrors.parseFailure, String(err), undefined, next);
    }
  }
  const params = { ...leg.baseParams(), ...next.params };
  const index = leg.requestCount++;
  if (index >= MAX_REQUESTS_PER_CALL) {
    // A document that redirects to itself would otherwise keep a scripted call alive forever.
    return applicationError(
      core,
      leg,
      voiceErrors.retrievalFailure,
      `more than ${MAX_REQUESTS_PER_CALL} TwiML requests on one call`,
      next.url,
      { twiml: '' },
    );
  }
  const forceTimeoutFirst =
    leg.script.faults?.webhooks?.timeoutRequests?.includes(index) ??
    core.faults.current.webhooks?.timeoutRequests?.includes(index) ??
    false;
  const { outcome, attempts } = await core.webhooks.send(
    { url: next.url, method: next.method, params },
    { forceTimeoutFirst },
  );
  leg.noteAttempts(attempts, next.purpose, params);
  if (!outcome.ok)
    return applicationError(core, leg, outcome.errorCode, outcome.message, next.url, next);
  const type = outcome.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('audio/')) {
    // An audio response is played as if it were <Play>.
    return {
      root: {
        name: 'Response',
        attrs: {},
        text: '',
        children: [{ name: 'Play', attrs: {}, children: [], text: next.url }],
      },
      url: next.url,
    };
  }
  if (!TWIML_TYPES.includes(type)) {
    return applicationError(
      core,
      leg,
      voiceErrors.invalidContentType,
      `Invalid Content-Type '${type}'`,
      next.url,
      next,
    );
  }
  try {
    return { root: parseTwiml(outcome.body), url: next.url };
  } catch (err) {
    const message = err instanceof TwimlParseError ? err.message : String(err);
    return applicationError(
      core,
      leg,
      voiceErrors.parseFailure,
      `Document parse failure: ${message}`,
      next.url,
      next,
    );
  }
}

/**
 * Twilio requests the fallback URL (with ErrorCode and ErrorUrl) when it cannot get or parse
 * TwiML; without one the caller hears "An application error has occurred" and the call ends.
 */
async function applicationError(
  core: SimCore,
  leg: CallLeg,
  code: number,
  message: string,
  url: string | undefined,
  failed: Next,
): Promise<LoadedDoc | null> {
  leg.note({ type: 'error', code, message, ...(url ? { url } : {}) });
  const fallback = leg.options.fallbackUrl;
  if (fallback && !('purpose' in failed && failed.purpose === 'fallback')) {
    return load(core, leg, {
      url: fallback,
      method: leg.options.fallbackMethod ?? 'POST',
      purpose: 'fallback',
      params: { ErrorCode: String(code), ...(url ? { ErrorUrl: url } : {}) },
    });
  }
  leg.answer();
  leg.note({
    type: 'say',
    text: 'We are sorry, an application error has occurred. Goodbye.',
    voice: 'twilio',
    language: 'en-US',
    loop: 1,
  });
  leg.note({ type: 'hangup', by: 'twiml' });
  leg.finish('completed');
  return null;
}
