/**
 * Turns the voter's decisions into attendance: a person is punched (unless inside the cooldown),
 * unknown and spoof become sightings. Returns the DecisionEvent the screen and `kiosk run` print,
 * with the id of the row written, under which the loop stores the evidence photo.
 * Writes go through the DurableRecorder: a punch the database refuses is kept in the journal and
 * still counts as logged (it is on disk and reaches the log when the database takes writes again).
 */
import type { DurableRecorder } from '../../store/durable-recorder.ts';
import type { TrackDecidedEvent } from '../../vote/types.ts';
import type { DecisionEvent } from '../../server/ports.ts';

export function votesByName(e: TrackDecidedEvent): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of e.votes) out[t.name ?? `#${t.personId}`] = t.count;
  if (e.evidence.unknownCount > 0) out.unknown = e.evidence.unknownCount;
  return out;
}

export function recordDecision(recorder: Pick<DurableRecorder, 'recordPunch' | 'recordSighting'>, kioskId: string, cooldownMs: number, e: TrackDecidedEvent): DecisionEvent {
  const base: DecisionEvent = {
    type: 'decision',
    track: e.trackId,
    result: e.result,
    personId: e.result === 'person' ? e.personId : null,
    name: e.result === 'person' ? e.name : null,
    similarity: e.similarity ?? e.evidence.winnerMeanSimilarity ?? 0,
    votes: votesByName(e),
    frames: e.framesUsed,
    firstSeen: e.firstSeen,
    decidedAt: e.decidedAt,
    trigger: e.trigger,
    logged: false,
    previousPunchTs: null,
  };
  const evidence = { reason: e.reason, trigger: e.trigger, ...e.evidence };
  if (e.result === 'person' && e.personId !== null) {
    const r = recorder.recordPunch({ personId: e.personId, ts: e.decidedAt, kioskId, similarity: base.similarity, evidence }, cooldownMs);
    if (!r.logged) return { ...base, previousPunchTs: r.lastPunchTs };
    return 'punchId' in r ? { ...base, logged: true, punchId: r.punchId } : { ...base, logged: true };
  }
  const sightingId = recorder.recordSighting(e.result === 'spoof' ? 'spoof' : 'unknown', e.decidedAt, kioskId, evidence);
  return sightingId === null ? base : { ...base, sightingId };
}
