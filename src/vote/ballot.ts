/**
 * Decides one track from its votes: a pure function, so every attendance rule is table-testable.
 * Unknown votes stay in the denominator: a window that is mostly "unknown" must not turn into a
 * person just because the few recognised frames agree.
 */
import type { BallotOptions } from './options.ts';
import type { BallotEvidence, BallotVote, Decision, DecisionReason, VoteTally } from './types.ts';

/** Relative tolerance for calling two weights equal: float sums of equal weights differ in the last bits. */
const TIE_TOLERANCE = 1e-9;

/** A vote the ballot can count: its similarity is a real number. */
export function isUsableVote(vote: Pick<BallotVote, 'similarity'>): boolean {
  return Number.isFinite(vote.similarity);
}

export function voteWeight(quality: number, minVoteWeight: number): number {
  const q = Number.isFinite(quality) ? Math.min(1, Math.max(0, quality)) : 0;
  return Math.max(minVoteWeight, q);
}

type GateOutcome = 'unjudged' | 'live' | 'failed';

/** Fails closed: a gate score that ran but is not a number counts as a failure. */
function gateOutcome(vote: BallotVote, options: BallotOptions): GateOutcome {
  const gates: Array<[number | null, number]> = [
    [vote.antispoof, options.antispoofMin],
    [vote.liveness, options.livenessMin],
  ];
  let judged = false;
  for (const [score, min] of gates) {
    if (score === null) continue;
    judged = true;
    if (!Number.isFinite(score) || score < min) return 'failed';
  }
  return judged ? 'live' : 'unjudged';
}

function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= TIE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b), 1);
}

interface Acc {
  personId: number;
  name: string | null;
  count: number;
  weight: number;
  similaritySum: number;
  marginSum: number;
  marginCount: number;
}

export function decideBallot(votes: readonly BallotVote[], options: BallotOptions): Decision {
  const people = new Map<number, Acc>();
  let unknownCount = 0;
  let unknownWeight = 0;
  let framesDropped = 0;
  let judgedFrames = 0;
  let liveFrames = 0;
  let failedGateFrames = 0;

  for (const vote of votes) {
    if (!isUsableVote(vote)) {
      framesDropped++;
      continue;
    }
    const gate = gateOutcome(vote, options);
    if (gate !== 'unjudged') judgedFrames++;
    if (gate === 'live') liveFrames++;
    if (gate === 'failed') failedGateFrames++;

    const weight = voteWeight(vote.quality, options.minVoteWeight);
    if (vote.personId === null) {
      unknownCount++;
      unknownWeight += weight;
      continue;
    }
    let acc = people.get(vote.personId);
    if (!acc) {
      acc = { personId: vote.personId, name: vote.name, count: 0, weight: 0, similaritySum: 0, marginSum: 0, marginCount: 0 };
      people.set(vote.personId, acc);
    }
    acc.count++;
    acc.weight += weight;
    acc.similaritySum += vote.similarity;
    acc.name ??= vote.name;
    if (Number.isFinite(vote.margin)) {
      acc.marginSum += vote.margin;
      acc.marginCount++;
    }
  }

  const ranked = [...people.values()].sort((a, b) => b.weight - a.weight || a.personId - b.personId);
  const tallies: VoteTally[] = ranked.map((a) => ({
    personId: a.personId,
    name: a.name,
    count: a.count,
    weight: a.weight,
    meanSimilarity: a.similaritySum / a.count,
  }));
  const totalWeight = ranked.reduce((sum, a) => sum + a.weight, unknownWeight);
  const framesUsed = votes.length - framesDropped;
  const winner = ranked[0];
  const evidence: BallotEvidence = {
    tallies,
    unknownCount,
    unknownWeight,
    totalWeight,
    winnerShare: winner && totalWeight > 0 ? winner.weight / totalWeight : 0,
    winnerMeanSimilarity: winner ? winner.similaritySum / winner.count : null,
    winnerMeanMargin: winner && winner.marginCount > 0 ? winner.marginSum / winner.marginCount : null,
    framesUsed,
    framesDropped,
    judgedFrames,
    liveFrames,
    failedGateFrames,
  };

  const notPerson = (result: 'unknown' | 'spoof', reason: DecisionReason): Decision => ({
    result,
    reason,
    personId: null,
    name: null,
    similarity: null,
    evidence,
  });

  if (framesUsed === 0) return notPerson('unknown', 'no-votes');
  // Spoof first: a printed photo of an enrolled person matches them well, that must not pass.
  if (judgedFrames > 0 && failedGateFrames / judgedFrames > options.maxSpoofShare) return notPerson('spoof', 'spoof');
  if (!winner) return notPerson('unknown', 'unknown-majority');
  const runnerUp = ranked[1];
  if (runnerUp && nearlyEqual(winner.weight, runnerUp.weight)) return notPerson('unknown', 'tie');
  if (winner.weight < unknownWeight || nearlyEqual(winner.weight, unknownWeight)) return notPerson('unknown', 'unknown-majority');
  if (evidence.winnerShare < options.minShare) return notPerson('unknown', 'low-share');
  const meanSimilarity = winner.similaritySum / winner.count;
  if (meanSimilarity < options.minMeanSimilarity) return notPerson('unknown', 'low-similarity');
  if (liveFrames / framesUsed < options.minLiveShare) return notPerson('unknown', 'not-live');

  return {
    result: 'person',
    reason: 'accepted',
    personId: winner.personId,
    name: winner.name,
    similarity: meanSimilarity,
    evidence,
  };
}
