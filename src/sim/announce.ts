import type { ConferenceRoom } from './conference-room';
import type { SimCore } from './core';
import type { ParticipantRecord } from './model';
import { parseTwiml } from './twiml';
import type { HttpMethod } from './webhook-client';

/**
 * Twilio fetches AnnounceUrl (POST unless AnnounceMethod says GET) and plays its <Say>/<Play>
 * to the listeners (the whole conference, or one participant), then reports announcement-end,
 * or announcement-fail when the URL could not be fetched or parsed.
 */
export async function announce(
  core: SimCore,
  room: ConferenceRoom,
  url: string,
  method: HttpMethod,
  listeners: ParticipantRecord[],
  target?: ParticipantRecord,
): Promise<void> {
  const conference = room.record;
  const { outcome } = await core.webhooks.send({
    url,
    method,
    params: {
      AccountSid: core.accountSid,
      ConferenceSid: conference.sid,
      FriendlyName: conference.friendlyName,
      ...(target ? { CallSid: target.callSid } : {}),
    },
  });
  const anyLeg = core.live.get(target?.callSid ?? listeners[0]?.callSid ?? '');
  let verbs;
  try {
    if (!outcome.ok) throw new Error(outcome.message);
    const type = outcome.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    verbs = type.startsWith('audio/')
      ? [{ name: 'Play', attrs: {}, children: [], text: url }]
      : parseTwiml(outcome.body).children;
  } catch (err) {
    room.events.emit('announcement-fail', anyLeg, target, {
      AnnounceUrl: url,
      ErrorMessage: err instanceof Error ? err.message : String(err),
    });
    return;
  }
  for (const p of listeners) {
    const leg = core.live.get(p.callSid);
    for (const verb of verbs) {
      if (verb.name === 'Say') {
        leg?.note({
          type: 'say',
          text: verb.text,
          voice: verb.attrs.voice ?? 'man',
          language: verb.attrs.language ?? 'en-US',
          loop: 1,
        });
      } else if (verb.name === 'Play') {
        leg?.note({ type: 'play', url: new URL(verb.text, url).toString(), loop: 1 });
      }
    }
  }
  room.events.emit('announcement-end', anyLeg, target, { AnnounceUrl: url });
}
