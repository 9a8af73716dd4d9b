import type { SimCore } from './core';
import { parseTwiml } from './twiml';
import type { HttpMethod } from './webhook-client';

/** What Twilio plays to a held participant when the update names no HoldUrl. */
export const DEFAULT_HOLD_MUSIC =
  'https://twimlets.com/holdmusic?Bucket=com.twilio.music.classical';

/** Redirects followed in a HoldUrl document before giving up, so a loop cannot spin forever. */
const MAX_REDIRECTS = 5;

export interface HoldMusic {
  /** What the held party hears, one line each ("play <url>", "say <text>", "pause 2s"); empty = silence. */
  music: string[];
  /** Set when the HoldUrl could not be fetched or was not usable TwiML or audio. */
  error?: { code: number; message: string; url: string };
}

/**
 * Fetches a participant's HoldUrl as Twilio does (GET unless HoldMethod says POST): the answer is
 * an audio file, which is played, or TwiML whose <Play>, <Say>, <Pause> and <Redirect> are
 * followed. Any other verb is ignored, as Twilio ignores it in hold music.
 */
export async function fetchHoldMusic(
  core: SimCore,
  url: string | undefined,
  method: HttpMethod,
  params: Record<string, string>,
): Promise<HoldMusic> {
  if (!url) return { music: [`play ${DEFAULT_HOLD_MUSIC}`] };
  const music: string[] = [];
  const seen = new Set<string>();
  let next: { url: string; method: HttpMethod } | undefined = { url, method };
  for (let hop = 0; next && hop <= MAX_REDIRECTS; hop++) {
    const current: { url: string; method: HttpMethod } = next;
    next = undefined;
    // A document that redirects to itself loops its music; once fetched is enough to know it.
    if (seen.has(current.url)) break;
    seen.add(current.url);
    const { outcome } = await core.webhooks.send({ ...current, params });
    if (!outcome.ok) {
      return {
        music,
        error: { code: outcome.errorCode, message: outcome.message, url: current.url },
      };
    }
    const type = outcome.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (type.startsWith('audio/')) {
      music.push(`play ${current.url}`);
      break;
    }
    let doc;
    try {
      doc = parseTwiml(outcome.body);
    } catch (err) {
      return { music, error: { code: 12100, message: String(err), url: current.url } };
    }
    for (const verb of doc.children) {
      if (verb.name === 'Play') music.push(`play ${new URL(verb.text, current.url).toString()}`);
      else if (verb.name === 'Say') music.push(`say ${verb.text}`);
      else if (verb.name === 'Pause') music.push(`pause ${verb.attrs.length ?? '1'}s`);
      else if (verb.name === 'Redirect') {
        // An empty <Redirect/> requests the same document again, as in a call.
        next = {
          url: new URL(verb.text || current.url, current.url).toString(),
          method: verb.attrs.method?.toUpperCase() === 'GET' ? 'GET' : 'POST',
        };
        break;
      }
    }
  }
  return { music };
}
