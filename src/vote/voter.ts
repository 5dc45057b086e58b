/**
 * Per-track vote collection and the decide-once state machine of the kiosk loop:
 *
 *   frame(seq, ts, boxes)  → track ids per box + track.start / track.decided / track.end
 *   needsDescriptor(id)    → should the worker still embed this track's faces?
 *   expectVote(id, seq)    → an embedding for that frame was sent to a worker
 *   addVote(vote)          → match results arrive later, possibly after newer frames
 *   cancelVote(id, seq)    → the embedding failed: stop waiting for it
 *   tick(now)              → decisions and expiry without new frames
 *   progress(id)           → votes so far / needed, and whether the track should hold still
 *   urgency(id)            → votes still missing: the loop embeds the tracks closest to a decision first
 *
 * A track is decided early ('uncontested'), uncontestedAfterMs after its first frame, when it has
 * minFrames or more votes, none of them names anyone but one person, and the ballot accepts that
 * person; a track where two people are named, or nobody, waits for the window.
 *
 * A track short of minFrames votes when its window elapses (a busy CPU, a stalled track) or when
 * it ends is still decided if its few votes (≥ fewVotesMin) all name one person, each clearly
 * (fewVotesMinSimilarity, fewVotesMinMargin): trigger 'few-votes'. Otherwise it keeps collecting
 * while visible (progress says hold still) and is dropped if it ends.
 *
 * The clock is whatever ts/now the caller passes (never Date.now), so a recorded stream replays
 * exactly. Every call returns its events in order; `track.end` of a track always comes after its
 * `track.decided`, and the track's state is freed at its end. Votes for decided or ended tracks are
 * ignored and counted.
 */
import type { Box } from '../model/types.ts';
import { decideBallot, isUsableVote } from './ballot.ts';
import type { VoteOptions } from './options.ts';
import { Tracker } from './tracker.ts';
import type { Decision, DecisionTrigger, TrackEndReason, TrackProgress, Vote, VoteEvent, VoterStats } from './types.ts';

export interface FrameResult {
  /** Track id per input box, same order; null when the box was not tracked. */
  assignments: Array<number | null>;
  events: VoteEvent[];
}

interface TrackState {
  trackId: number;
  firstSeen: number;
  lastSeen: number;
  /** Usable votes only (finite similarity). */
  votes: Vote[];
  /** Frames that sent a vote, usable or not: duplicates are refused and the cap counts these. */
  votedFrames: Set<number>;
  /** Usable votes taken, kept after `votes` is freed by the decision. */
  accepted: number;
  decided: boolean;
  lateVotes: number;
  /** Frames whose embedding is still being computed. */
  pending: Set<number>;
  /** Set when the tracker lost the track while votes were pending: end once they land (or the grace runs out). */
  endingSince: number | null;
  endReason: TrackEndReason | null;
}

export class Voter {
  private readonly tracker: Tracker;
  private readonly states = new Map<number, TrackState>();
  private clock = Number.NEGATIVE_INFINITY;
  private readonly counters: VoterStats = {
    lateVotes: 0,
    invalidVotes: 0,
    duplicateVotes: 0,
    cappedVotes: 0,
    untrackedDetections: 0,
  };

  constructor(private readonly options: VoteOptions) {
    this.tracker = new Tracker({ ...options.tracker, maxTracks: options.voter.maxTracks });
  }

  /** Latest time seen through frame() or tick(). */
  get now(): number {
    return this.clock;
  }

  get stats(): Readonly<VoterStats> {
    return { ...this.counters };
  }

  /** Tracks alive (decided or still collecting). */
  get activeTracks(): number {
    return this.states.size;
  }

  /** True while the track is alive, undecided and below maxVotes. */
  needsDescriptor(trackId: number): boolean {
    const s = this.states.get(trackId);
    return s !== undefined && !s.decided && s.endingSince === null && s.votedFrames.size + s.pending.size < this.options.voter.maxVotes;
  }

  /** Progress of an undecided, live track; null when it is unknown, decided or ending. */
  progress(trackId: number): TrackProgress | null {
    const s = this.states.get(trackId);
    if (!s || s.decided || s.endingSince !== null) return null;
    return {
      trackId,
      votes: s.votes.length,
      needed: this.options.voter.minFrames,
      pending: s.pending.size,
      holdStill: this.windowElapsed(s),
    };
  }

  /**
   * Votes a track still lacks before it can be decided (pending ones counted as landed): lower is
   * closer to a decision. Infinity for tracks that need no descriptor.
   */
  urgency(trackId: number): number {
    const s = this.states.get(trackId);
    if (!s || !this.needsDescriptor(trackId)) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.options.voter.minFrames - s.votes.length - s.pending.size);
  }

  /** Registers an embedding in flight, so the track is not ended before its vote can land. */
  expectVote(trackId: number, frameSeq: number): void {
    const s = this.states.get(trackId);
    if (s && !s.decided) s.pending.add(frameSeq);
  }

  /** The embedding for that frame failed: stop waiting for it. */
  cancelVote(trackId: number, frameSeq: number): VoteEvent[] {
    const s = this.states.get(trackId);
    if (!s) return [];
    s.pending.delete(frameSeq);
    const events: VoteEvent[] = [];
    this.finishEnding(s, events);
    return events;
  }

  frame(frameSeq: number, ts: number, boxes: readonly Box[]): FrameResult {
    this.advance(ts);
    const update = this.tracker.update(frameSeq, ts, boxes);
    const events: VoteEvent[] = [];
    for (const id of update.ended) this.endTrack(id, 'missed', events);
    for (const [det, id] of update.assignments.entries()) {
      const box = boxes[det];
      if (id === null || !box) {
        this.counters.untrackedDetections++;
        continue;
      }
      if (update.started.includes(id)) {
        this.states.set(id, { trackId: id, firstSeen: ts, lastSeen: ts, votes: [], votedFrames: new Set(), accepted: 0, decided: false, lateVotes: 0, pending: new Set(), endingSince: null, endReason: null });
        events.push({ type: 'track.start', trackId: id, frameSeq, ts, box: { ...box } });
      } else {
        const s = this.states.get(id);
        if (s) s.lastSeen = ts;
      }
    }
    this.decideDue(events);
    return { assignments: update.assignments, events };
  }

  addVote(vote: Vote): VoteEvent[] {
    const s = this.states.get(vote.trackId);
    s?.pending.delete(vote.frameSeq);
    if (!s || s.decided) {
      this.counters.lateVotes++;
      if (s) s.lateVotes++;
      return [];
    }
    if (s.votedFrames.has(vote.frameSeq)) {
      this.counters.duplicateVotes++;
      return [];
    }
    if (s.votedFrames.size >= this.options.voter.maxVotes) {
      this.counters.cappedVotes++;
      return [];
    }
    s.votedFrames.add(vote.frameSeq);
    const events: VoteEvent[] = [];
    if (!isUsableVote(vote)) {
      this.counters.invalidVotes++;
      this.finishEnding(s, events);
      return events;
    }
    s.votes.push({ ...vote });
    s.accepted++;
    if (this.windowElapsed(s)) this.decideIfReady(s, events);
    else this.decideIfUncontested(s, events);
    this.finishEnding(s, events);
    return events;
  }

  /** Lets time pass without a frame: ends tracks missed too long, decides tracks whose window elapsed. */
  tick(now: number): VoteEvent[] {
    this.advance(now);
    const events: VoteEvent[] = [];
    for (const id of this.tracker.expire(this.clock)) this.endTrack(id, 'missed', events);
    this.decideDue(events);
    for (const s of [...this.states.values()]) {
      if (s.endingSince !== null && this.clock - s.endingSince >= this.options.voter.pendingGraceMs) {
        s.pending.clear();
        this.finishEnding(s, events);
      }
    }
    return events;
  }

  /** Ends every track (shutdown): tracks with minFrames votes are decided first. */
  flush(): VoteEvent[] {
    const events: VoteEvent[] = [];
    for (const id of this.tracker.clear()) this.endTrack(id, 'flushed', events);
    for (const s of [...this.states.values()]) {
      s.pending.clear();
      this.finishEnding(s, events);
    }
    return events;
  }

  /** The clock never goes backwards: an out-of-order timestamp must not undo a window. */
  private advance(now: number): void {
    if (Number.isFinite(now) && now > this.clock) this.clock = now;
  }

  private windowElapsed(s: TrackState): boolean {
    return this.clock - s.firstSeen >= this.options.voter.windowMs;
  }

  private hasEnoughVotes(s: TrackState): boolean {
    return s.votes.length >= this.options.voter.minFrames;
  }

  /**
   * Few votes, all for one person and each clearly so (similarity and margin): enough evidence when
   * more cannot come in time.
   */
  private hasClearFewVotes(s: TrackState): boolean {
    const o = this.options.voter;
    const first = s.votes[0];
    if (!first || s.votes.length < o.fewVotesMin || first.personId === null) return false;
    return s.votes.every((v) => v.personId === first.personId && v.similarity >= o.fewVotesMinSimilarity && Number.isFinite(v.margin) && v.margin >= o.fewVotesMinMargin);
  }

  /** Decides a track whose window elapsed, on minFrames votes or on few clear ones. */
  private decideIfReady(s: TrackState, events: VoteEvent[]): void {
    if (this.hasEnoughVotes(s)) this.decide(s, 'window', events);
    else if (this.hasClearFewVotes(s)) this.decide(s, 'few-votes', events);
  }

  private decideDue(events: VoteEvent[]): void {
    for (const s of this.states.values()) {
      if (s.decided || s.endingSince !== null) continue;
      if (this.windowElapsed(s)) this.decideIfReady(s, events);
      else this.decideIfUncontested(s, events);
    }
  }

  /**
   * Before the window ends: decide when the track has minFrames votes, no vote names anyone but one
   * person, and the ballot accepts that person (unknown frames only lower the winner's share, which
   * the ballot still checks).
   */
  private decideIfUncontested(s: TrackState, events: VoteEvent[]): void {
    const o = this.options.voter;
    if (o.uncontestedAfterMs >= o.windowMs || this.clock - s.firstSeen < o.uncontestedAfterMs || !this.hasEnoughVotes(s)) return;
    const named = new Set(s.votes.flatMap((v) => (v.personId === null ? [] : [v.personId])));
    const [only] = named;
    if (named.size !== 1 || only === undefined) return;
    const ballot = decideBallot(s.votes, this.options.ballot);
    if (ballot.result === 'person' && ballot.personId === only) this.commit(s, ballot, 'uncontested', events);
  }

  /** A track waiting for its last votes ends once none is pending. */
  private finishEnding(s: TrackState, events: VoteEvent[]): void {
    if (s.endingSince === null || s.pending.size > 0) return;
    s.endingSince = null;
    this.endTrack(s.trackId, s.endReason ?? 'missed', events);
  }

  private decide(s: TrackState, trigger: DecisionTrigger, events: VoteEvent[]): void {
    this.commit(s, decideBallot(s.votes, this.options.ballot), trigger, events);
  }

  private commit(s: TrackState, d: Decision, trigger: DecisionTrigger, events: VoteEvent[]): void {
    s.decided = true;
    events.push({
      type: 'track.decided',
      trackId: s.trackId,
      result: d.result,
      reason: d.reason,
      personId: d.personId,
      name: d.name,
      similarity: d.similarity,
      votes: d.evidence.tallies,
      framesUsed: d.evidence.framesUsed,
      firstSeen: s.firstSeen,
      decidedAt: this.clock,
      trigger,
      evidence: d.evidence,
    });
    // Votes are no longer needed once decided; late ones are only counted.
    s.votes = [];
  }

  private endTrack(trackId: number, reason: TrackEndReason, events: VoteEvent[]): void {
    const s = this.states.get(trackId);
    if (!s) return;
    if (!s.decided && s.pending.size > 0) {
      // Lost from view with votes still being computed: wait for them (bounded by pendingGraceMs).
      s.endingSince ??= this.clock;
      s.endReason = reason;
      return;
    }
    if (!s.decided && this.hasEnoughVotes(s)) this.decide(s, this.windowElapsed(s) ? 'window' : 'track-ended', events);
    else if (!s.decided && this.hasClearFewVotes(s)) this.decide(s, 'few-votes', events);
    events.push({
      type: 'track.end',
      trackId,
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      reason,
      decided: s.decided,
      votes: s.accepted,
      lateVotes: s.lateVotes,
    });
    this.states.delete(trackId);
  }
}
