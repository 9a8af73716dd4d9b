import type { TranscriptEntry } from './transcript';

const short = (sid: string): string => `${sid.slice(0, 6)}…`;

/** One readable line per transcript entry, for the CLI and for test failure output. */
export function describeEntry(e: TranscriptEntry): string {
  const t = `${(e.at / 1000).toFixed(1).padStart(6)}s ${short(e.callSid)}`;
  switch (e.type) {
    case 'request':
      return `${t}  → ${e.method} ${e.url} [${e.purpose}${e.attempt > 1 ? `, retry ${e.attempt - 1}` : ''}] ${e.status ?? ''}${e.failure ? ` (${e.failure})` : ''}`;
    case 'say':
      return `${t}  🔊 ${e.voice}: "${e.text}"${e.loop !== 1 ? ` ×${e.loop}` : ''}`;
    case 'play':
      return `${t}  🎵 play ${e.url}${e.loop !== 1 ? ` ×${e.loop}` : ''}`;
    case 'play-digits':
      return `${t}  🎵 DTMF ${e.digits}`;
    case 'pause':
      return `${t}  … pause ${e.seconds}s`;
    case 'beep':
      return `${t}  beep`;
    case 'input':
      return e.digits !== undefined
        ? `${t}  ☎ caller presses ${e.digits || '(nothing)'}`
        : `${t}  🗣 caller says "${e.speech ?? ''}"${e.confidence !== undefined ? ` (confidence ${e.confidence})` : ''}`;
    case 'silence':
      return `${t}  … caller silent at <${e.verb}> for ${e.seconds}s`;
    case 'recording':
      return `${t}  ⏺ recording ${e.recordingSid} (${e.durationSec}s, ${e.source})`;
    case 'recording-control':
      return `${t}  ⏺ recording ${e.recordingSid} ${e.status}${e.pauseBehavior ? ` (${e.pauseBehavior})` : ''}`;
    case 'leg':
      return `${t}  ↳ leg ${e.legSid} to ${e.to}: ${e.status}`;
    case 'conference':
      return `${t}  👥 ${e.event} ${e.name}`;
    case 'queue':
      return `${t}  ☰ ${e.event} ${e.name}${e.position !== undefined ? ` at #${e.position}` : ''}`;
    case 'hold':
      return e.held
        ? `${t}  ⏸ on hold, hears ${e.music.length > 0 ? e.music.join(' | ') : 'SILENCE'}`
        : `${t}  ▶ off hold`;
    case 'callback':
      return `${t}  ⇢ ${e.kind} callback ${e.event}${e.sequenceNumber !== undefined ? ` #${e.sequenceNumber}` : ''} → ${e.url} ${e.status ?? ''}${e.fault ? ` [${e.fault}]` : ''}${e.failure ? ` (${e.failure})` : ''}`;
    case 'status':
      return `${t}  status ${e.status}`;
    case 'error':
      return `${t}  ✖ error ${e.code}: ${e.message}`;
    case 'unsupported':
      return `${t}  ⚠ unsupported verb <${e.verb}>`;
    case 'hangup':
      return `${t}  ✆ hangup by ${e.by}`;
    case 'reject':
      return `${t}  ✆ rejected (${e.reason})`;
  }
}
