import type { PromptVerb, TwimlPlan, TwimlVerb } from '../shared/twiml-plan';
import { isOpen } from './hours';
import type { ConsentNode, IvrDefinition, IvrNode, MenuNode } from './types';
import { nextRoute } from './routes';
import { interactiveVerbs, prompts } from './verbs';

export { prompts, stepId } from './verbs';

/** What the caller did, as Twilio reported it to an action URL. */
export type IvrInput =
  | { kind: 'gather'; digits?: string; speech?: string; confidence?: number }
  | { kind: 'dial'; status: string; durationSeconds?: number; sipResponseCode?: number }
  | { kind: 'record'; recordingUrl?: string; recordingSid?: string; durationSeconds?: number };

/** Side effects the workflow performs through activities after answering Twilio. */
export type IvrEffect =
  | { kind: 'entered'; node: string }
  | { kind: 'selected'; node: string; option: string; via: 'dtmf' | 'speech' }
  | { kind: 'failed'; node: string; reason: 'no-input' | 'invalid'; attempt: number }
  | { kind: 'consent'; granted: boolean; answered: boolean }
  | { kind: 'transfer-ended'; node: string; status: string }
  /** A carrier route failed and the transfer tries the next one (`route` counts from 0). */
  | {
      kind: 'transfer-fallback';
      node: string;
      status: string;
      sipResponseCode?: number;
      route: number;
    }
  | { kind: 'voicemail'; recordingUrl?: string; recordingSid?: string; durationSeconds?: number }
  /** Only from menus with `pauseRecording`: the call's recording must stop or start hearing. */
  | { kind: 'recording-paused'; node: string }
  | { kind: 'recording-resumed'; node: string };

export interface IvrState {
  node: string;
  /** Failed attempts at the current menu. */
  attempts: number;
  /** Monotonic counter; each plan's action URLs carry `${seq}.${node}` so stale actions are spotted. */
  seq: number;
  consent?: 'granted' | 'declined';
  ended: boolean;
}

export interface IvrOutcome {
  state: IvrState;
  plan: TwimlPlan;
  effects: IvrEffect[];
}

/** Guards against a definition whose non-interactive nodes loop; validation rejects those too. */
const MAX_HOPS = 32;

export function startIvr(def: IvrDefinition, now: Date): IvrOutcome {
  return enter(def, { node: def.start, attempts: 0, seq: 0, ended: false }, def.start, now, []);
}

/** Advances the IVR with the caller's input at the current node. */
export function advanceIvr(
  def: IvrDefinition,
  state: IvrState,
  input: IvrInput,
  now: Date,
): IvrOutcome {
  const node = nodeOf(def, state.node);
  switch (node.type) {
    case 'menu':
      return input.kind === 'gather'
        ? answerMenu(def, state, node, input, now)
        : reprompt(def, state, now);
    case 'consent':
      return input.kind === 'gather'
        ? answerConsent(def, state, node, input, now)
        : reprompt(def, state, now);
    case 'transfer': {
      if (input.kind !== 'dial') return reprompt(def, state, now);
      const fallback = nextRoute(def, node, state, input);
      if (fallback) return fallback;
      const effects: IvrEffect[] = [
        { kind: 'transfer-ended', node: state.node, status: input.status },
      ];
      if (input.status === 'completed' || input.status === 'answered') {
        return finish(state, [], effects);
      }
      return enter(def, state, node.onNoAnswer, now, effects);
    }
    case 'conference': {
      // The caller's <Dial><Conference> ended (the conference is over, or they left it).
      if (input.kind !== 'dial') return reprompt(def, state, now);
      const effects: IvrEffect[] = [
        { kind: 'transfer-ended', node: state.node, status: input.status },
      ];
      return enter(def, state, node.next, now, effects);
    }
    case 'voicemail': {
      if (input.kind !== 'record') return reprompt(def, state, now);
      const effects: IvrEffect[] = [
        {
          kind: 'voicemail',
          recordingUrl: input.recordingUrl,
          recordingSid: input.recordingSid,
          durationSeconds: input.durationSeconds,
        },
      ];
      return finish(state, prompts(def, node.thanks), effects);
    }
    default:
      return reprompt(def, state, now);
  }
}

/** The plan for where the caller is now, without advancing: for retried or stale requests. */
export function reprompt(def: IvrDefinition, state: IvrState, _now?: Date): IvrOutcome {
  if (state.ended) return { state, plan: { verbs: [{ verb: 'hangup' }] }, effects: [] };
  return {
    state,
    plan: { verbs: interactiveVerbs(def, state, nodeOf(def, state.node), []) },
    effects: [],
  };
}

function answerMenu(
  def: IvrDefinition,
  state: IvrState,
  node: MenuNode,
  input: Extract<IvrInput, { kind: 'gather' }>,
  now: Date,
): IvrOutcome {
  const digits = input.digits?.trim() ?? '';
  const speech = normalise(input.speech ?? '');
  if (digits === '' && speech === '') return fail(def, state, node, 'no-input', now);
  const byDigits = digits === '' ? undefined : node.options.find((o) => o.digits === digits);
  const bySpeech =
    byDigits ??
    (speech === '' ? undefined : node.options.find((o) => matchesSpeech(speech, o.speech)));
  const chosen = byDigits ?? bySpeech;
  if (!chosen) return fail(def, state, node, 'invalid', now);
  const effects: IvrEffect[] = [
    { kind: 'selected', node: state.node, option: chosen.next, via: byDigits ? 'dtmf' : 'speech' },
  ];
  if (node.pauseRecording) effects.push({ kind: 'recording-resumed', node: state.node });
  return enter(def, state, chosen.next, now, effects);
}

function answerConsent(
  def: IvrDefinition,
  state: IvrState,
  node: ConsentNode,
  input: Extract<IvrInput, { kind: 'gather' }>,
  now: Date,
): IvrOutcome {
  const digits = input.digits?.trim() ?? '';
  const speech = normalise(input.speech ?? '');
  const granted =
    (digits !== '' && digits === node.acceptDigits) ||
    (digits === '' && matchesSpeech(speech, node.acceptSpeech));
  const declined =
    (digits !== '' && digits === node.declineDigits) ||
    (digits === '' && matchesSpeech(speech, node.declineSpeech));
  const answered = granted || declined;
  const next: IvrState = { ...state, consent: granted ? 'granted' : 'declined' };
  return enter(def, next, node.next, now, [{ kind: 'consent', granted, answered }]);
}

function fail(
  def: IvrDefinition,
  state: IvrState,
  node: MenuNode,
  reason: 'no-input' | 'invalid',
  now: Date,
): IvrOutcome {
  const attempt = state.attempts + 1;
  const path = reason === 'no-input' ? node.noInput : node.invalid;
  const effects: IvrEffect[] = [{ kind: 'failed', node: state.node, reason, attempt }];
  if (attempt >= node.maxAttempts) {
    if (node.pauseRecording) effects.push({ kind: 'recording-resumed', node: state.node });
    return enter(def, state, path.exhausted, now, effects);
  }
  const next: IvrState = { ...state, attempts: attempt, seq: state.seq + 1 };
  return {
    state: next,
    plan: { verbs: interactiveVerbs(def, next, node, prompts(def, path.prompt)) },
    effects,
  };
}

/** Enters `target`, following non-interactive nodes until one needs the caller or ends the call. */
function enter(
  def: IvrDefinition,
  from: IvrState,
  target: string,
  now: Date,
  effects: IvrEffect[],
): IvrOutcome {
  const heard: PromptVerb[] = [];
  let nodeId = target;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const node = nodeOf(def, nodeId);
    effects.push({ kind: 'entered', node: nodeId });
    const state: IvrState = { ...from, node: nodeId, attempts: 0, seq: from.seq + 1 };
    switch (node.type) {
      case 'message':
        heard.push(...prompts(def, node.prompt));
        nodeId = node.next;
        continue;
      case 'hours':
        nodeId = isOpen(node, now, def.timeZone) ? node.whenOpen : node.whenClosed;
        continue;
      case 'hangup':
        return finish(state, [...heard, ...prompts(def, node.prompt)], effects);
      default:
        if (node.type === 'menu' && node.pauseRecording) {
          effects.push({ kind: 'recording-paused', node: nodeId });
        }
        return { state, plan: { verbs: interactiveVerbs(def, state, node, heard) }, effects };
    }
  }
  throw new Error(`IVR ${def.id} v${def.version} loops without asking the caller anything`);
}

function finish(state: IvrState, heard: TwimlVerb[], effects: IvrEffect[]): IvrOutcome {
  return {
    state: { ...state, ended: true },
    plan: { verbs: [...heard, { verb: 'hangup' }] },
    effects,
  };
}

function nodeOf(def: IvrDefinition, id: string): IvrNode {
  const node = def.nodes[id];
  if (!node) throw new Error(`IVR ${def.id} v${def.version} has no node "${id}"`);
  return node;
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function matchesSpeech(said: string, keywords: string[] | undefined): boolean {
  if (!said || !keywords?.length) return false;
  const words = ` ${said} `;
  return keywords.some((k) => words.includes(` ${normalise(k)} `));
}
