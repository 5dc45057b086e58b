/** What the screen says for a decision (pure, DOM-free): tone, a big line and a smaller one. */
import type { DecisionDto, PreviewFaceDto } from '../../../src/server/protocol.ts';
import type { Language, Translate } from '../i18n.ts';
import { formatTime, localHour } from '../text.ts';

export type Tone = 'ok' | 'info' | 'warn' | 'bad';

export interface Banner {
  tone: Tone;
  title: string;
  detail: string;
  /** Which beep, if sound is on. */
  sound: 'ok' | 'refuse' | null;
}

/** Greeting boundaries (local hour): morning until noon, afternoon until 18:00. */
const NOON = 12;
const EVENING = 18;

export function greetingKey(hour: number): 'greet.morning' | 'greet.afternoon' | 'greet.evening' {
  if (hour < NOON) return 'greet.morning';
  return hour < EVENING ? 'greet.afternoon' : 'greet.evening';
}

export function decisionBanner(d: DecisionDto, t: Translate, lang: Language, timeZone: string): Banner {
  if (d.result === 'spoof') return { tone: 'bad', title: t('spoof.title'), detail: t('spoof.detail'), sound: 'refuse' };
  if (d.result === 'unknown' || d.name === null) return { tone: 'warn', title: t('unknown.title'), detail: t('unknown.detail'), sound: 'refuse' };
  const title = t(greetingKey(localHour(d.decidedAt, timeZone)), { name: d.name });
  if (d.logged) return { tone: 'ok', title, detail: t('greet.checkedIn', { time: formatTime(d.decidedAt, lang, timeZone) }), sound: 'ok' };
  const at = d.previousPunchTs ?? d.decidedAt;
  return { tone: 'info', title, detail: t('greet.already', { time: formatTime(at, lang, timeZone) }), sound: 'ok' };
}

/** The text written over a face on the preview: its decision, or what its vote needs. */
export function faceLabel(f: PreviewFaceDto, t: Translate): string | null {
  switch (f.state) {
    case 'decided':
      if (f.label === null || f.label === 'unknown') return t('preview.unknown');
      return f.label === 'spoof' ? t('preview.spoof') : f.label;
    case 'step-back':
      return t('preview.stepBack');
    case 'hold-still':
      return t('preview.holdStill');
    case 'collecting':
      return f.progress === undefined ? null : t('preview.checking', { votes: Math.min(f.progress.votes, f.progress.needed), needed: f.progress.needed });
  }
}
