/**
 * Twilio's standard opt-out, opt-in and help keywords. Twilio and the carriers act on a message
 * that is the keyword alone, in any case, so only such a message acts here too: "please stop by
 * the office" opts nobody out.
 */
const OPT_OUT = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const OPT_IN = ['START', 'YES', 'UNSTOP'];
const HELP = ['HELP', 'INFO'];

export type KeywordAction = 'opt-out' | 'opt-in' | 'help';

/** What an inbound message asks for, and the keyword as the audit records it. */
export function keywordOf(body: string): { action: KeywordAction; keyword: string } | undefined {
  const keyword = body.trim().toUpperCase();
  if (OPT_OUT.includes(keyword)) return { action: 'opt-out', keyword };
  if (OPT_IN.includes(keyword)) return { action: 'opt-in', keyword };
  if (HELP.includes(keyword)) return { action: 'help', keyword };
  return undefined;
}
