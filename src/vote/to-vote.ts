/**
 * Builds a vote from a detection and the match result that came back for it. Kept here so the
 * pipeline does not decide which similarity an unknown vote carries.
 */
import type { FaceObservation, MatchResult } from '../model/types.ts';
import type { Vote } from './types.ts';

export function toVote(trackId: number, obs: Pick<FaceObservation, 'frameSeq' | 'ts' | 'quality' | 'antispoof' | 'liveness'>, match: MatchResult): Vote {
  return {
    trackId,
    frameSeq: obs.frameSeq,
    ts: obs.ts,
    personId: match.person?.personId ?? null,
    name: match.person?.name ?? null,
    // Unknown votes carry the best similarity: it is evidence for tuning, never counted for a person.
    similarity: match.person?.similarity ?? match.bestSimilarity,
    margin: match.margin,
    quality: obs.quality.score,
    antispoof: obs.antispoof,
    liveness: obs.liveness,
  };
}
