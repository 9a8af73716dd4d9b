import { z } from 'zod';
import { e164Problem, sipUriProblem } from '../routing/destination';
import type { IvrDefinition, IvrNode } from '../../workflows/ivr/types';
import { templateProblem } from '../../workflows/ivr/variables';

export class IvrValidationError extends Error {
  constructor(
    readonly ivrId: string,
    readonly problems: readonly string[],
  ) {
    super(`IVR "${ivrId}" is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'IvrValidationError';
  }
}

const nodeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'node ids are 1-64 of A-Z a-z 0-9 _ -');
const voice = {
  voice: z
    .string()
    .regex(
      /^(man|woman|alice|Polly\.[A-Za-z]+(-Neural|-Generative)?|Google\.[A-Za-z0-9-]+)$/,
      'unknown voice',
    )
    .optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'language like en-US')
    .optional(),
};
/** Spoken text; `{{name}}` placeholders are filled from the call's variables (variables.ts). */
const sayText = z
  .string()
  .min(1)
  .max(4000)
  .superRefine((text, ctx) => {
    const problem = templateProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const prompt = z.union([
  z.object({ say: sayText, ...voice }).strict(),
  z.object({ play: z.url() }).strict(),
  z.object({ pause: z.number().int().min(1).max(60) }).strict(),
]);
const prompts = z.array(prompt);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'time like 09:30');
const digits = z.string().regex(/^[0-9*#]{1,8}$/, 'DTMF digits');
const e164 = /^\+[1-9]\d{6,14}$/;
const target = z
  .object({ kind: z.enum(['number', 'client', 'sip']), to: z.string().min(1) })
  .strict()
  .superRefine((t, ctx) => {
    const ok =
      t.kind === 'number'
        ? e164.test(t.to)
        : t.kind === 'sip'
          ? /^sips?:[^@\s]+@[^\s]+$/.test(t.to)
          : /^[A-Za-z0-9_.-]{1,256}$/.test(t.to);
    if (!ok) ctx.addIssue({ code: 'custom', message: `"${t.to}" is not a valid ${t.kind} target` });
  });
/** A hand-written or resolved carrier route: the same destination checks as every dial. */
const dialRoute = z
  .object({
    kind: z.enum(['number', 'sip']),
    to: z.string().min(1),
    byoc: z
      .string()
      .regex(/^BY[0-9a-fA-F]{32}$/, 'byoc must be a BY… trunk sid')
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const problem = r.kind === 'number' ? e164Problem(r.to) : sipUriProblem(r.to);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    if (r.byoc && r.kind !== 'number')
      ctx.addIssue({ code: 'custom', message: 'only a number route goes through a BYOC trunk' });
  });
const failure = z.object({ prompt: prompts, exhausted: nodeId }).strict();

const node = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('menu'),
      prompt: prompts.min(1),
      input: z.array(z.enum(['dtmf', 'speech'])).min(1),
      options: z
        .array(
          z
            .object({
              digits: digits.optional(),
              speech: z.array(z.string().min(1)).optional(),
              next: nodeId,
            })
            .strict()
            .refine(
              (o) => o.digits !== undefined || (o.speech?.length ?? 0) > 0,
              'an option needs digits or speech',
            ),
        )
        .min(1),
      hints: z.array(z.string().min(1)).optional(),
      timeoutSeconds: z.number().int().min(1).max(60).optional(),
      maxAttempts: z.number().int().min(1).max(10),
      pauseRecording: z.boolean().optional(),
      noInput: failure,
      invalid: failure,
    })
    .strict(),
  z
    .object({
      type: z.literal('consent'),
      prompt: prompts.min(1),
      acceptDigits: digits,
      declineDigits: digits,
      acceptSpeech: z.array(z.string().min(1)).optional(),
      declineSpeech: z.array(z.string().min(1)).optional(),
      timeoutSeconds: z.number().int().min(1).max(60).optional(),
      next: nodeId,
    })
    .strict(),
  z.object({ type: z.literal('message'), prompt: prompts.min(1), next: nodeId }).strict(),
  z
    .object({
      type: z.literal('hours'),
      open: z.array(
        z
          .object({
            days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
            from: hhmm,
            to: hhmm,
          })
          .strict()
          .refine((s) => s.from < s.to, 'from must be before to'),
      ),
      closedDates: z
        .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date like 2026-12-25'))
        .optional(),
      whenOpen: nodeId,
      whenClosed: nodeId,
    })
    .strict(),
  z
    .object({
      type: z.literal('transfer'),
      prompt: prompts.optional(),
      target,
      callerId: z.string().regex(e164, 'callerId must be E.164').optional(),
      timeoutSeconds: z.number().int().min(5).max(600).optional(),
      record: z.boolean().optional(),
      onNoAnswer: nodeId,
      carrierRouting: z.boolean().optional(),
      routes: z.array(dialRoute).min(1).max(10).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('voicemail'),
      prompt: prompts.min(1),
      maxLengthSeconds: z.number().int().min(1).max(3600),
      thanks: prompts,
    })
    .strict(),
  z.object({ type: z.literal('hangup'), prompt: prompts }).strict(),
  z
    .object({
      type: z.literal('conference'),
      prompt: prompts.optional(),
      agent: z
        .string()
        .regex(
          /^(\+[1-9]\d{6,14}|client:[\w.-]{1,256}|sips?:[^@\s]+@\S+)$/,
          'agent must be E.164, client:identity or sip:user@host',
        ),
      namePrefix: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/, 'namePrefix is a short business-key word'),
      next: nodeId,
    })
    .strict(),
]);

const definition = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'ids are lowercase words joined by dashes'),
    version: z.number().int().min(1),
    name: z.string().min(1).max(200),
    timeZone: z.string().refine(validTimeZone, 'unknown IANA time zone'),
    voice: z.object(voice).strict(),
    start: nodeId,
    nodes: z.record(nodeId, node),
  })
  .strict();

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function references(n: IvrNode): [string, string][] {
  switch (n.type) {
    case 'menu':
      return [
        ...n.options.map((o, i): [string, string] => [`options[${i}].next`, o.next]),
        ['noInput.exhausted', n.noInput.exhausted],
        ['invalid.exhausted', n.invalid.exhausted],
      ];
    case 'consent':
    case 'message':
    case 'conference':
      return [['next', n.next]];
    case 'hours':
      return [
        ['whenOpen', n.whenOpen],
        ['whenClosed', n.whenClosed],
      ];
    case 'transfer':
      return [['onNoAnswer', n.onNoAnswer]];
    default:
      return [];
  }
}

function graphProblems(def: IvrDefinition): string[] {
  const problems: string[] = [];
  if (!def.nodes[def.start]) problems.push(`start: unknown node "${def.start}"`);
  for (const [id, n] of Object.entries(def.nodes)) {
    for (const [field, ref] of references(n)) {
      if (!def.nodes[ref]) problems.push(`nodes.${id}.${field}: unknown node "${ref}"`);
    }
    if (n.type === 'menu') {
      const seen = new Set<string>();
      n.options.forEach((o, i) => {
        if (o.digits === undefined) return;
        if (seen.has(o.digits))
          problems.push(`nodes.${id}.options[${i}].digits: "${o.digits}" is used twice`);
        seen.add(o.digits);
      });
      if (n.options.some((o) => o.speech?.length) && !n.input.includes('speech')) {
        problems.push(`nodes.${id}.input: options listen for speech but input has no "speech"`);
      }
    }
  }
  // Message and hours nodes pass straight through; a cycle of them would never ask the caller.
  const passThrough = (id: string): string[] => {
    const n = def.nodes[id];
    if (n?.type === 'message') return [n.next];
    if (n?.type === 'hours') return [n.whenOpen, n.whenClosed];
    return [];
  };
  for (const id of Object.keys(def.nodes)) {
    const stack = [...passThrough(id)];
    const visited = new Set<string>();
    while (stack.length) {
      const next = stack.pop()!;
      if (next === id) {
        problems.push(`nodes.${id}: loops through message/hours nodes without asking the caller`);
        break;
      }
      if (visited.has(next)) continue;
      visited.add(next);
      stack.push(...passThrough(next));
    }
  }
  return problems;
}

/** `nodes.main.options[0].next`, the same shape the graph checks use. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, seg) =>
      typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg),
    '',
  );
}

/** Validates an IVR definition; errors name the node and field so an author can fix them. */
export function validateIvr(input: unknown): IvrDefinition {
  const id =
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { id?: unknown }).id === 'string'
      ? (input as { id: string }).id
      : '(no id)';
  const parsed = definition.safeParse(input);
  if (!parsed.success) {
    throw new IvrValidationError(
      id,
      parsed.error.issues.map((i) => `${fieldPath(i.path) || '(root)'}: ${i.message}`),
    );
  }
  const def = parsed.data;
  const problems = graphProblems(def);
  if (problems.length) throw new IvrValidationError(id, problems);
  return def;
}
