import type { ActionRef, DialTarget, PromptVerb, TwimlVerb, Voice } from '../shared/twiml-plan';
import type { IvrState } from './engine';
import type { ConsentNode, IvrDefinition, IvrNode, MenuNode, Prompt, TransferNode } from './types';

/** The verbs a caller hears at a node: the plan an IVR rests on until the caller answers. */

export function stepId(state: IvrState): string {
  return `${state.seq}.${state.node}`;
}

function menuGather(def: IvrDefinition, node: MenuNode, action: ActionRef): TwimlVerb {
  return {
    verb: 'gather',
    input: node.input,
    action,
    numDigits: Math.max(1, ...node.options.map((o) => o.digits?.length ?? 1)),
    timeout: node.timeoutSeconds ?? 5,
    ...(node.input.includes('speech')
      ? { speechTimeout: 'auto', language: def.voice.language }
      : {}),
    ...(node.hints?.length ? { hints: node.hints } : {}),
    prompts: prompts(def, node.prompt),
  };
}

function consentGather(def: IvrDefinition, node: ConsentNode, action: ActionRef): TwimlVerb {
  return {
    verb: 'gather',
    input: node.acceptSpeech?.length ? ['dtmf', 'speech'] : ['dtmf'],
    action,
    numDigits: 1,
    timeout: node.timeoutSeconds ?? 5,
    prompts: prompts(def, node.prompt),
  };
}

export function interactiveVerbs(
  def: IvrDefinition,
  state: IvrState,
  node: IvrNode,
  heard: PromptVerb[],
): TwimlVerb[] {
  const action = { step: stepId(state) };
  switch (node.type) {
    case 'menu':
      return [...heard, menuGather(def, node, action)];
    case 'consent':
      return [...heard, consentGather(def, node, action)];
    case 'transfer':
      return [
        ...heard,
        // A fallback route is dialed without the prompt again: the caller is already waiting.
        ...(state.attempts > 0 ? [] : prompts(def, node.prompt ?? [])),
        {
          verb: 'dial',
          target: transferTarget(node, state.attempts),
          action,
          timeout: node.timeoutSeconds ?? 20,
          ...(node.callerId ? { callerId: node.callerId } : {}),
          ...(node.record && state.consent !== 'declined'
            ? { record: 'record-from-answer' as const }
            : {}),
        },
      ];
    case 'conference':
      return [
        ...heard,
        ...prompts(def, node.prompt ?? []),
        { verb: 'conference', namePrefix: node.namePrefix, agent: node.agent, action },
      ];
    case 'voicemail':
      return [
        ...heard,
        ...prompts(def, node.prompt),
        {
          verb: 'record',
          action,
          maxLength: node.maxLengthSeconds,
          timeout: 5,
          playBeep: true,
          finishOnKey: '#',
          recordingStatusCallback: true,
        },
      ];
    default:
      // Non-interactive nodes never rest; enter() walks past them.
      return [...heard, { verb: 'hangup' }];
  }
}

/**
 * Where a transfer dials on its n-th try: its n-th route when it has routes (carrier routing),
 * else its target. Nodes without routes (every IVR before carrier routing) dial as before.
 */
function transferTarget(node: TransferNode, attempt: number): DialTarget {
  const route = node.routes?.[attempt];
  if (!route) return node.target;
  return { kind: route.kind, to: route.to, ...(route.byoc ? { byoc: route.byoc } : {}) };
}

export function prompts(def: IvrDefinition, list: Prompt[]): PromptVerb[] {
  return list.map((p): PromptVerb => {
    if ('say' in p) return { verb: 'say', text: p.say, ...voiceOf(def.voice, p) };
    if ('play' in p) return { verb: 'play', url: p.play };
    return { verb: 'pause', length: p.pause };
  });
}

function voiceOf(fallback: Voice, own: Voice): Voice {
  const voice = own.voice ?? fallback.voice;
  const language = own.language ?? fallback.language;
  return { ...(voice ? { voice } : {}), ...(language ? { language } : {}) };
}
