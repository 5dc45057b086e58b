/**
 * Plain data that flows through the vote stage. Everything here is JSON-serialisable (no
 * Float32Array, no Map) so events can be logged, replayed from fixtures and sent to the UI as-is.
 */
import type { Box } from '../model/types.ts';

/** One frame's identity guess for one track, built from a detection plus its (later) match. */
export interface Vote {
  trackId: number;
  /** Frame the descriptor was computed on; one vote per (trackId, frameSeq). */
  frameSeq: number;
  /** Capture time of that frame in ms. */
  ts: number;
  /** Matched person, or null when the matcher said unknown. */
  personId: number | null;
  name: string | null;
  /** Similarity to `personId` (or best similarity when unknown). Non-finite votes are dropped. */
  similarity: number;
  /** Best minus runner-up person similarity. */
  margin: number;
  /** Face-quality score 0..1, used as the vote's weight. */
  quality: number;
  /** 1 = real face, 0 = spoof; null when the model did not run. */
  antispoof: number | null;
  /** 1 = live, 0 = not live; null when the model did not run. */
  liveness: number | null;
}

/** The fields of a vote the ballot looks at. */
export type BallotVote = Pick<Vote, 'personId' | 'name' | 'similarity' | 'margin' | 'quality' | 'antispoof' | 'liveness'>;

export type DecisionResult = 'person' | 'unknown' | 'spoof';

/** Why a ballot came out the way it did (for logs and threshold tuning). */
export type DecisionReason =
  | 'accepted'
  | 'no-votes'
  | 'spoof'
  | 'tie'
  | 'unknown-majority'
  | 'low-share'
  | 'low-similarity'
  | 'not-live';

export interface VoteTally {
  personId: number;
  name: string | null;
  count: number;
  /** Sum of the quality weights of this person's votes. */
  weight: number;
  meanSimilarity: number;
}

export interface BallotEvidence {
  /** Per person, heaviest first (ties broken by personId). */
  tallies: VoteTally[];
  unknownCount: number;
  unknownWeight: number;
  totalWeight: number;
  /** Winner's weight / total weight (unknown votes included); 0 when there is no person vote. */
  winnerShare: number;
  /** Mean similarity of the winner's votes; null when there is no person vote. */
  winnerMeanSimilarity: number | null;
  /** Mean margin of the winner's votes (finite margins only); null when none. */
  winnerMeanMargin: number | null;
  /** Votes with a finite similarity: the ones counted. */
  framesUsed: number;
  /** Votes dropped for a NaN/Inf similarity. */
  framesDropped: number;
  /** Counted frames where antispoof or liveness ran. */
  judgedFrames: number;
  /** Judged frames that passed every gate that ran. */
  liveFrames: number;
  /** Judged frames that failed a gate (or had a non-finite gate score). */
  failedGateFrames: number;
}

export interface Decision {
  result: DecisionResult;
  reason: DecisionReason;
  /** Set only when result is 'person'. */
  personId: number | null;
  name: string | null;
  /** Winner's mean similarity when result is 'person', otherwise null. */
  similarity: number | null;
  evidence: BallotEvidence;
}

/**
 * What made the voter decide: the time window elapsed, the track ended first, or the window elapsed
 * (or the track ended) short of minFrames votes, with few but clear and agreeing ones.
 */
export type DecisionTrigger = 'window' | 'uncontested' | 'track-ended' | 'few-votes';

/** Where an undecided track stands, for the screen: votes so far, votes needed, and whether it waits for more. */
export interface TrackProgress {
  trackId: number;
  votes: number;
  needed: number;
  /** Votes still being computed. */
  pending: number;
  /** The window elapsed and the evidence is not enough yet: the person should hold still. */
  holdStill: boolean;
}

/** Why a track ended. */
export type TrackEndReason = 'missed' | 'flushed';

export interface TrackStartEvent {
  type: 'track.start';
  trackId: number;
  frameSeq: number;
  ts: number;
  box: Box;
}

export interface TrackDecidedEvent {
  type: 'track.decided';
  trackId: number;
  result: DecisionResult;
  reason: DecisionReason;
  personId: number | null;
  name: string | null;
  similarity: number | null;
  /** Per-person tallies (same as `evidence.tallies`). */
  votes: VoteTally[];
  framesUsed: number;
  /** ts of the track's first frame. */
  firstSeen: number;
  /** Voter clock when the decision was taken. */
  decidedAt: number;
  trigger: DecisionTrigger;
  evidence: BallotEvidence;
}

export interface TrackEndEvent {
  type: 'track.end';
  trackId: number;
  firstSeen: number;
  lastSeen: number;
  reason: TrackEndReason;
  /** False when the track ended before it had minFrames usable votes (dropped silently). */
  decided: boolean;
  /** Votes accepted into the ballot. */
  votes: number;
  /** Votes that arrived after the decision and were ignored. */
  lateVotes: number;
}

export type VoteEvent = TrackStartEvent | TrackDecidedEvent | TrackEndEvent;
export type VoteEventType = VoteEvent['type'];

/** Counters for things the voter ignored; they only grow. */
export interface VoterStats {
  /** Votes for a track that was already decided, ended or never existed. */
  lateVotes: number;
  /** Votes dropped for a NaN/Inf similarity. */
  invalidVotes: number;
  /** Votes for a (trackId, frameSeq) that already voted. */
  duplicateVotes: number;
  /** Votes beyond maxVotes for a track. */
  cappedVotes: number;
  /** Detections not tracked because maxTracks tracks were alive, or their box was invalid. */
  untrackedDetections: number;
}
