import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../../../src/model/types.ts';
import { voteOptionsSchema, type VoteOptions } from '../../../src/vote/options.ts';
import type { TrackDecidedEvent, TrackEndEvent, Vote, VoteEvent } from '../../../src/vote/types.ts';
import { Voter } from '../../../src/vote/voter.ts';

const FRAME_MS = 100;

/**
 * Early uncontested decisions are off unless a test asks for them (they have their own table below),
 * and stalledMs is 0: these tests model a face leaving by ticks without frames.
 */
function options(over: { voter?: Partial<VoteOptions['voter']>; tracker?: Partial<VoteOptions['tracker']>; ballot?: Partial<VoteOptions['ballot']> } = {}): VoteOptions {
  return voteOptionsSchema.parse({ voter: { uncontestedAfterMs: 2000, ...over.voter }, tracker: { stalledMs: 0, ...over.tracker }, ballot: over.ballot ?? {} });
}

const FACE: Box = { x: 100, y: 100, width: 120, height: 120 };
const OTHER: Box = { x: 500, y: 100, width: 120, height: 120 };

function vote(trackId: number, frameSeq: number, personId: number | null = 1, similarity = 0.8): Vote {
  return {
    trackId,
    frameSeq,
    ts: frameSeq * FRAME_MS,
    personId,
    name: personId === null ? null : `p${personId}`,
    similarity,
    margin: 0.2,
    quality: 0.9,
    antispoof: 0.9,
    liveness: 0.9,
  };
}

const decided = (events: VoteEvent[]): TrackDecidedEvent[] => events.filter((e): e is TrackDecidedEvent => e.type === 'track.decided');
const ends = (events: VoteEvent[]): TrackEndEvent[] => events.filter((e): e is TrackEndEvent => e.type === 'track.end');

/** Shows FACE for frames [0, frames) at 100 ms per frame and votes `votesFor(seq)` right after each frame. */
function run(voter: Voter, frames: number, votesFor: (seq: number) => Vote | null, from = 0): VoteEvent[] {
  const events: VoteEvent[] = [];
  for (let seq = from; seq < from + frames; seq++) {
    events.push(...voter.frame(seq, seq * FRAME_MS, [FACE]).events);
    const v = votesFor(seq);
    if (v) events.push(...voter.addVote(v));
  }
  return events;
}

describe('Voter', () => {
  test('a new face starts a track and needs descriptors', () => {
    const voter = new Voter(options());
    const r = voter.frame(0, 0, [FACE]);
    assert.deepEqual(r.assignments, [1]);
    assert.deepEqual(r.events, [{ type: 'track.start', trackId: 1, frameSeq: 0, ts: 0, box: FACE }]);
    assert.equal(voter.needsDescriptor(1), true);
    assert.equal(voter.needsDescriptor(2), false);
  });

  test('decides only once the window elapsed, at exactly windowMs', () => {
    const voter = new Voter(options({ voter: { windowMs: 1500, minFrames: 4 }, tracker: { maxMissedMs: 2000 } }));
    const events = run(voter, 6, (seq) => vote(1, seq));
    assert.equal(decided(events).length, 0, 'enough votes but window not elapsed');
    assert.deepEqual(voter.tick(1499), []);
    const at = voter.tick(1500);
    assert.equal(at.length, 1);
    const d = decided(at)[0];
    assert.ok(d, 'decided at 1500');
    assert.equal(d.result, 'person');
    assert.equal(d.personId, 1);
    assert.equal(d.name, 'p1');
    assert.equal(d.firstSeen, 0);
    assert.equal(d.decidedAt, 1500);
    assert.equal(d.trigger, 'window');
    assert.equal(d.framesUsed, 6);
    assert.equal(voter.needsDescriptor(1), false);
  });

  test('window elapsed with too few votes waits, then decides on the vote that reaches minFrames', () => {
    // fewVotesMin = minFrames: the few-votes rule is off (it has its own table below).
    const voter = new Voter(options({ voter: { minFrames: 4, fewVotesMin: 4 } }));
    const events = run(voter, 20, (seq) => (seq % 6 === 0 ? vote(1, seq) : null)); // votes at 0, 6, 12, 18
    const d = decided(events);
    assert.equal(d.length, 1);
    assert.equal(d[0]?.decidedAt, 1800);
    assert.equal(d[0]?.framesUsed, 4);
  });

  test('one decision per track, however many frames, votes and ticks follow', () => {
    const voter = new Voter(options({ voter: { maxVotes: 40 } }));
    const events = run(voter, 40, (seq) => vote(1, seq));
    for (let now = 4000; now < 6000; now += 250) events.push(...voter.tick(now));
    assert.equal(decided(events).length, 1);
    assert.equal(ends(events).length, 1);
  });

  test('track.end always follows the track\'s decision', () => {
    const voter = new Voter(options());
    const events = run(voter, 20, (seq) => vote(1, seq));
    events.push(...voter.tick(20 * FRAME_MS + 1000));
    const types = events.filter((e) => e.trackId === 1).map((e) => e.type);
    assert.deepEqual(types, ['track.start', 'track.decided', 'track.end']);
  });

  const early: Array<[string, number, boolean]> = [
    ['leaves early with minFrames decides on what it has', 4, true],
    ['leaves early without minFrames is dropped silently', 3, false],
  ];
  for (const [name, frames, expectDecision] of early) {
    test(name, () => {
      const voter = new Voter(options({ voter: { minFrames: 4, fewVotesMin: 4, windowMs: 1500 }, tracker: { maxMissedMs: 500 } }));
      const events = run(voter, frames, (seq) => vote(1, seq));
      assert.equal(decided(events).length, 0);
      // Last seen at (frames-1)*100; gone for > 500 ms ends it, before the 1500 ms window.
      const out = voter.tick((frames - 1) * FRAME_MS + 501);
      const d = decided(out);
      const e = ends(out);
      assert.equal(d.length, expectDecision ? 1 : 0);
      assert.equal(e.length, 1);
      assert.equal(e[0]?.decided, expectDecision);
      assert.equal(e[0]?.votes, frames);
      if (expectDecision) {
        assert.equal(d[0]?.trigger, 'track-ended');
        assert.equal(d[0]?.result, 'person');
        assert.deepEqual(out.map((x) => x.type), ['track.decided', 'track.end']);
      }
      assert.equal(voter.activeTracks, 0, 'state is freed at the end');
    });
  }

  test('a track ending through a new frame (not a tick) also decides first', () => {
    const voter = new Voter(options({ tracker: { maxMissedMs: 500 } }));
    run(voter, 5, (seq) => vote(1, seq));
    const r = voter.frame(20, 2000, [OTHER]);
    assert.deepEqual(r.events.map((e) => [e.type, e.trackId]), [
      ['track.decided', 1],
      ['track.end', 1],
      ['track.start', 2],
    ]);
  });

  test('late votes for decided or ended tracks are ignored and counted', () => {
    const voter = new Voter(options({ tracker: { maxMissedMs: 500 }, voter: { maxVotes: 20 } }));
    run(voter, 15, (seq) => vote(1, seq));
    assert.equal(decided(voter.tick(1500)).length, 1);
    // Results still in flight in the worker arrive after the decision, some for another person.
    assert.deepEqual(voter.addVote(vote(1, 14, 2)), []);
    assert.deepEqual(voter.addVote(vote(1, 15, 2)), []);
    const out = voter.tick(3000);
    const end = ends(out)[0];
    assert.ok(end, 'track ended');
    assert.equal(end.lateVotes, 2);
    assert.equal(decided(out).length, 0);
    assert.deepEqual(voter.addVote(vote(1, 16, 2)), [], 'after the end');
    assert.deepEqual(voter.addVote(vote(99, 1)), [], 'never existed');
    assert.equal(voter.stats.lateVotes, 4);
  });

  test('NaN/Inf votes are dropped and do not count toward minFrames', () => {
    const voter = new Voter(options({ voter: { minFrames: 4 } }));
    const sims = [0.8, Number.NaN, Number.POSITIVE_INFINITY, 0.8, 0.8, Number.NaN, 0.8];
    run(voter, sims.length, (seq) => vote(1, seq, 1, sims[seq] ?? 0.8));
    const d = decided(voter.tick(1500))[0];
    assert.ok(d, 'decided');
    assert.equal(d.framesUsed, 4);
    assert.equal(voter.stats.invalidVotes, 3);
  });

  test('duplicate and capped votes are refused; needsDescriptor turns false at maxVotes', () => {
    const voter = new Voter(options({ voter: { maxVotes: 5, minFrames: 4 } }));
    run(voter, 5, () => null);
    for (let seq = 0; seq < 4; seq++) voter.addVote(vote(1, seq));
    voter.addVote(vote(1, 3));
    assert.equal(voter.stats.duplicateVotes, 1);
    assert.equal(voter.needsDescriptor(1), true);
    voter.addVote(vote(1, 4));
    assert.equal(voter.needsDescriptor(1), false);
    voter.addVote(vote(1, 5));
    assert.equal(voter.stats.cappedVotes, 1);
    assert.equal(decided(voter.tick(1500))[0]?.framesUsed, 5);
  });

  test('maxTracks bounds simultaneous tracks', () => {
    const voter = new Voter(options({ voter: { maxTracks: 2 } }));
    const boxes = [0, 1, 2, 3].map((i): Box => ({ x: i * 300, y: 0, width: 100, height: 100 }));
    const r = voter.frame(0, 0, boxes);
    assert.deepEqual(r.assignments, [1, 2, null, null]);
    assert.equal(voter.activeTracks, 2);
    assert.equal(voter.stats.untrackedDetections, 2);
    assert.equal(r.events.length, 2);
  });

  test('flush decides tracks with minFrames, drops the rest, and ends all', () => {
    const voter = new Voter(options({ voter: { minFrames: 3 } }));
    for (let seq = 0; seq < 3; seq++) {
      voter.frame(seq, seq * FRAME_MS, [FACE, OTHER]);
      voter.addVote(vote(1, seq));
      if (seq === 0) voter.addVote(vote(2, seq, null, 0.2));
    }
    const out = voter.flush();
    assert.deepEqual(out.map((e) => [e.type, e.trackId]), [
      ['track.decided', 1],
      ['track.end', 1],
      ['track.end', 2],
    ]);
    assert.equal(ends(out)[0]?.reason, 'flushed');
    assert.equal(voter.activeTracks, 0);
  });

  test('the clock never runs backwards', () => {
    const voter = new Voter(options({ tracker: { maxMissedMs: 2000 } }));
    run(voter, 5, (seq) => vote(1, seq));
    assert.equal(decided(voter.tick(1400)).length, 0);
    assert.deepEqual(voter.tick(100), []);
    assert.equal(voter.now, 1400);
    assert.equal(decided(voter.tick(1500)).length, 1);
  });
});

// ---------------------------------------------------------------------------------------------
// Replay of a recorded stream (10 fps, 4 s) with a fake clock and a worker that answers 2 frames late.
// One lane per face; one character per frame:
//   A = alice matched (0.82)   B = bob matched (0.78)   ? = unknown (best 0.31)
//   S = photo of bob (matches 0.75, antispoof 0.1, liveness 0.2)   . = not in frame
const LANES: Array<{ name: string; box: (seq: number) => Box; frames: string }> = [
  { name: 'alice', box: (s) => ({ x: 50 + 5 * s, y: 50, width: 120, height: 120 }), frames: 'AAAA?AAAAAAAAAAAAAAAA...................' },
  { name: 'stranger', box: (s) => ({ x: 400 - 3 * s, y: 60, width: 100, height: 100 }), frames: '....????A???????????????................' },
  { name: 'photo', box: () => ({ x: 250, y: 300, width: 90, height: 90 }), frames: '..........SSSSSSSSSSSSSSSSSSSSSS........' },
  { name: 'passer-by', box: (s) => ({ x: 20 + 8 * s, y: 300, width: 80, height: 80 }), frames: '..............................BBB.......' },
];
const PEOPLE: Record<string, { personId: number; name: string; similarity: number }> = {
  A: { personId: 1, name: 'alice', similarity: 0.82 },
  B: { personId: 2, name: 'bob', similarity: 0.78 },
  S: { personId: 2, name: 'bob', similarity: 0.75 },
};
const WORKER_DELAY_FRAMES = 2;

interface Recorded {
  seq: number;
  ts: number;
  faces: Array<{ lane: string; code: string; box: Box }>;
}

function recording(): Recorded[] {
  const length = Math.max(...LANES.map((l) => l.frames.length));
  return Array.from({ length }, (_, seq) => ({
    seq,
    ts: seq * FRAME_MS,
    faces: LANES.flatMap((l) => {
      const code = l.frames[seq] ?? '.';
      return code === '.' ? [] : [{ lane: l.name, code, box: l.box(seq) }];
    }),
  }));
}

function matchVote(trackId: number, seq: number, code: string): Vote {
  const person = PEOPLE[code];
  const spoof = code === 'S';
  return {
    trackId,
    frameSeq: seq,
    ts: seq * FRAME_MS,
    personId: person?.personId ?? null,
    name: person?.name ?? null,
    similarity: person?.similarity ?? 0.31,
    margin: person ? 0.25 : 0.05,
    quality: 0.8,
    antispoof: spoof ? 0.1 : 0.92,
    liveness: spoof ? 0.2 : 0.88,
  };
}

function replay(): { events: VoteEvent[]; laneOf: Map<number, string>; voter: Voter } {
  // maxVotes above the frames in a window, so tracks still collect when decided and late results occur.
  // fewVotesMin = minFrames: the passer-by's three frames stay below minFrames (few-votes rule off).
  const voter = new Voter(options({ ballot: { minMeanSimilarity: 0.6 }, voter: { maxVotes: 20, minFrames: 4, fewVotesMin: 4 } }));
  const events: VoteEvent[] = [];
  const laneOf = new Map<number, string>();
  const inFlight: Array<{ due: number; vote: Vote }> = [];
  const deliver = (seq: number): void => {
    while (inFlight.length > 0 && (inFlight[0]?.due ?? Infinity) <= seq) {
      const job = inFlight.shift();
      if (job) events.push(...voter.addVote(job.vote));
    }
  };
  const frames = recording();
  for (const f of frames) {
    const r = voter.frame(f.seq, f.ts, f.faces.map((x) => x.box));
    events.push(...r.events);
    f.faces.forEach((face, i) => {
      const id = r.assignments[i];
      if (id === null || id === undefined) return;
      const known = laneOf.get(id);
      assert.ok(known === undefined || known === face.lane, `track ${id} switched lanes`);
      laneOf.set(id, face.lane);
      if (voter.needsDescriptor(id)) inFlight.push({ due: f.seq + WORKER_DELAY_FRAMES, vote: matchVote(id, f.seq, face.code) });
    });
    deliver(f.seq); // results of older frames land after this frame was tracked
  }
  let seq = frames.length;
  for (let now = seq * FRAME_MS; now <= 6000; now += FRAME_MS, seq++) {
    deliver(seq);
    events.push(...voter.tick(now));
  }
  return { events, laneOf, voter };
}

describe('Voter replaying a recorded stream', () => {
  const { events, laneOf, voter } = replay();
  const byLane = (lane: string): VoteEvent[] => events.filter((e) => laneOf.get(e.trackId) === lane);

  test('one track per face', () => {
    assert.deepEqual([...laneOf.values()].sort(), ['alice', 'passer-by', 'photo', 'stranger']);
  });

  test('each face gets the expected outcome', () => {
    const outcome = (lane: string): Array<[string, number | null]> => decided(byLane(lane)).map((d) => [d.result, d.personId]);
    assert.deepEqual(outcome('alice'), [['person', 1]]);
    assert.deepEqual(outcome('stranger'), [['unknown', null]]);
    assert.deepEqual(outcome('photo'), [['spoof', null]]);
    assert.deepEqual(outcome('passer-by'), [], 'three frames are below minFrames');
  });

  test('decisions happen when the window elapses, on the fake clock', () => {
    for (const lane of ['alice', 'stranger', 'photo']) {
      const d = decided(byLane(lane))[0];
      assert.ok(d, `${lane} decided`);
      assert.equal(d.decidedAt - d.firstSeen, 1500, lane);
      assert.equal(d.trigger, 'window');
    }
  });

  test('every track: start first, at most one decision, end last', () => {
    for (const id of laneOf.keys()) {
      const types = events.filter((e) => e.trackId === id).map((e) => e.type);
      assert.equal(types[0], 'track.start');
      assert.equal(types.at(-1), 'track.end');
      assert.equal(types.filter((t) => t === 'track.end').length, 1);
      assert.ok(types.filter((t) => t === 'track.decided').length <= 1, `track ${id} decided more than once`);
    }
    assert.equal(voter.activeTracks, 0);
  });

  test('worker results arriving after a decision were ignored and counted', () => {
    const perTrack = ends(events).reduce((sum, e) => sum + e.lateVotes, 0);
    assert.ok(perTrack > 0, 'the fixture must produce late results');
    assert.equal(voter.stats.lateVotes, perTrack);
  });

  test('the event stream is plain JSON and replays identically', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(events)), events);
    assert.deepEqual(replay().events, events);
  });
});

describe('Voter: votes still being computed when the face leaves', () => {
  /** Shows FACE for frames [0, frames) and registers an embedding per frame without its result. */
  function showExpecting(voter: Voter, frames: number): void {
    for (let seq = 0; seq < frames; seq++) {
      voter.frame(seq, seq * FRAME_MS, [FACE]);
      voter.expectVote(1, seq);
    }
  }

  test('a track lost with pending votes waits for them, then decides on them', () => {
    const voter = new Voter(options({ voter: { minFrames: 4, windowMs: 1500, pendingGraceMs: 3000 }, tracker: { maxMissedMs: 300 } }));
    showExpecting(voter, 5);
    // The face is gone: the tracker drops it, but four embeddings are still in flight.
    const lost = voter.tick(1000);
    assert.deepEqual(ends(lost), [], 'not ended while votes are pending');
    assert.equal(voter.needsDescriptor(1), false, 'an ending track asks for no more descriptors');
    let events: VoteEvent[] = [];
    for (let seq = 0; seq < 4; seq++) events.push(...voter.addVote(vote(1, seq)));
    assert.deepEqual(ends(events), [], 'one vote still pending');
    events = voter.cancelVote(1, 4);
    assert.equal(decided(events).length, 1, 'decided once nothing is pending');
    assert.equal(decided(events)[0]!.trigger, 'track-ended');
    assert.equal(decided(events)[0]!.personId, 1);
    assert.equal(ends(events).length, 1);
    assert.ok(events.findIndex((e) => e.type === 'track.decided') < events.findIndex((e) => e.type === 'track.end'), 'track.end comes after the decision');
    assert.equal(voter.activeTracks, 0, 'state freed');
  });

  test('pending votes that never land are given up after pendingGraceMs', () => {
    const voter = new Voter(options({ voter: { minFrames: 2, pendingGraceMs: 1000 }, tracker: { maxMissedMs: 300 } }));
    showExpecting(voter, 3);
    voter.addVote(vote(1, 0));
    voter.addVote(vote(1, 1));
    assert.deepEqual(ends(voter.tick(800)), []);
    assert.deepEqual(ends(voter.tick(1500)), [], 'still inside the grace');
    const events = voter.tick(1900);
    assert.equal(ends(events).length, 1, 'ended after the grace');
    assert.equal(decided(events).length, 1, 'decided on the two votes it had');
  });

  test('without pending votes a lost track ends at once, as before', () => {
    const voter = new Voter(options({ voter: { minFrames: 2 }, tracker: { maxMissedMs: 300 } }));
    run(voter, 3, (seq) => vote(1, seq));
    const events = voter.tick(800);
    assert.equal(ends(events).length, 1);
  });
});

describe('Voter: deciding on few votes when more cannot come (busy CPU, stalled or leaving track)', () => {
  // minFrames 3, fewVotesMin 2; similarity ≥ 0.6, margin ≥ 0.1 (the defaults).
  const clear = (seq: number, personId: number | null = 1, similarity = 0.8, margin = 0.2): Vote => ({ ...vote(1, seq, personId, similarity), margin });
  type Row = [name: string, votes: Vote[], how: 'window' | 'leaves', expect: ['person', number, 'few-votes'] | null];
  const rows: Row[] = [
    ['two clear agreeing votes, window elapsed', [clear(0), clear(4)], 'window', ['person', 1, 'few-votes']],
    ['two clear agreeing votes, track leaves early', [clear(0), clear(3)], 'leaves', ['person', 1, 'few-votes']],
    ['one clear vote alone is not enough', [clear(0)], 'window', null],
    ['one clear vote, track leaves early', [clear(0)], 'leaves', null],
    ['two votes for different people', [clear(0), clear(3, 2)], 'window', null],
    ['a clear vote and an unknown one', [clear(0), clear(3, null)], 'window', null],
    ['two votes just above the open-set threshold, not far above', [clear(0, 1, 0.55), clear(3, 1, 0.58)], 'window', null],
    ['a look-alike close behind on one of two votes (small margin)', [clear(0), clear(3, 1, 0.8, 0.05)], 'window', null],
    ['a NaN margin on one of two votes', [clear(0), clear(3, 1, 0.8, Number.NaN)], 'leaves', null],
    ['two unknown votes', [clear(0, null), clear(3, null)], 'leaves', null],
  ];
  for (const [name, votes, how, expect] of rows) {
    test(name, () => {
      const voter = new Voter(options({ voter: { minFrames: 3, fewVotesMin: 2, windowMs: 1500 }, tracker: { maxMissedMs: 500 } }));
      const bySeq = new Map(votes.map((v) => [v.frameSeq, v]));
      const frames = how === 'window' ? 16 : 5;
      const events = run(voter, frames, (seq) => bySeq.get(seq) ?? null);
      if (how === 'leaves') events.push(...voter.tick((frames - 1) * FRAME_MS + 501));
      const d = decided(events);
      if (expect === null) {
        assert.equal(d.length, 0);
        if (how === 'leaves') assert.equal(ends(events)[0]?.decided, false);
        return;
      }
      assert.equal(d.length, 1);
      assert.deepEqual([d[0]?.result, d[0]?.personId, d[0]?.trigger], expect);
      if (how === 'window') assert.equal(d[0]?.decidedAt, 1500, 'decided when the window elapsed, on the injected clock');
    });
  }

  test('with the rule off (fewVotesMin = minFrames) two clear votes are not enough', () => {
    const voter = new Voter(options({ voter: { minFrames: 3, fewVotesMin: 3 } }));
    const events = run(voter, 16, (seq) => (seq === 0 || seq === 4 ? vote(1, seq) : null));
    assert.equal(decided(events).length, 0);
  });

  test('fewVotesMin 1: one clear vote decides when the window elapses', () => {
    const voter = new Voter(options({ voter: { minFrames: 3, fewVotesMin: 1 } }));
    const d = decided(run(voter, 16, (seq) => (seq === 0 ? vote(1, 0) : null)));
    assert.deepEqual(d.map((x) => [x.result, x.trigger, x.decidedAt]), [['person', 'few-votes', 1500]]);
  });

  test('progress: votes so far, votes needed, and hold still once the window elapsed undecided', () => {
    const voter = new Voter(options({ voter: { minFrames: 3, windowMs: 1500 } }));
    run(voter, 3, (seq) => (seq === 0 ? vote(1, 0, null) : null));
    voter.expectVote(1, 2);
    assert.deepEqual(voter.progress(1), { trackId: 1, votes: 1, needed: 3, pending: 1, holdStill: false });
    run(voter, 14, () => null, 3);
    assert.equal(voter.progress(1)?.holdStill, true, 'an unknown vote is not clear evidence: the track needs more');
    assert.equal(voter.progress(99), null);
  });

  test('urgency: the track closest to a decision comes first', () => {
    const voter = new Voter(options({ voter: { minFrames: 3 } }));
    voter.frame(0, 0, [FACE, OTHER]);
    voter.addVote(vote(1, 0, null));
    voter.addVote(vote(1, 1, null));
    assert.equal(voter.urgency(1), 1);
    assert.equal(voter.urgency(2), 3);
    voter.expectVote(2, 1);
    assert.equal(voter.urgency(2), 2, 'a vote in flight counts as landed');
    assert.equal(voter.urgency(42), Number.POSITIVE_INFINITY);
  });
});

describe('Voter: early decision on an uncontested vote', () => {
  const early = (voter: Partial<VoteOptions['voter']> = {}): VoteOptions => options({ voter: { windowMs: 1500, minFrames: 3, uncontestedAfterMs: 1000, ...voter }, tracker: { maxMissedMs: 2000 } });
  /** Decisions of a face shown for `frames` frames (100 ms apart), then ticked to 3 s. */
  const decisions = (o: VoteOptions, frames: number, votesFor: (seq: number) => Vote | null): Array<[string, string, number, number | null]> => {
    const voter = new Voter(o);
    const events = run(voter, frames, votesFor);
    for (let t = frames * FRAME_MS; t <= 3000; t += FRAME_MS) events.push(...voter.tick(t));
    return decided(events).map((d) => [d.result, d.trigger, d.decidedAt, d.personId]);
  };
  type Row = [name: string, o: VoteOptions, votesFor: (seq: number) => Vote | null, expected: Array<[string, string, number, number | null]>];
  const rows: Row[] = [
    ['every vote names p1: decided at uncontestedAfterMs', early(), (seq) => vote(1, seq), [['person', 'uncontested', 1000, 1]]],
    ['votes land late: decided on the vote that makes minFrames', early(), (seq) => (seq >= 10 && seq % 2 === 0 ? vote(1, seq) : null), [['person', 'uncontested', 1400, 1]]],
    ['one vote for p2 among p1: waits for the window', early(), (seq) => vote(1, seq, seq === 3 ? 2 : 1), [['person', 'window', 1500, 1]]],
    ['one unknown vote among p1: nobody else is named, decided early', early(), (seq) => vote(1, seq, seq === 2 ? null : 1), [['person', 'uncontested', 1000, 1]]],
    ['p1 on one frame in three, unknown on the rest: the ballot refuses p1 early, the window says unknown', early(), (seq) => (seq % 3 === 0 ? vote(1, seq) : vote(1, seq, null, 0.3)), [['unknown', 'window', 1500, null]]],
    ['all unknown: never early, decided unknown at the window', early(), (seq) => vote(1, seq, null, 0.2), [['unknown', 'window', 1500, null]]],
    ['unanimous but below the ballot\'s mean similarity: the window decides', early(), (seq) => vote(1, seq, 1, 0.45), [['unknown', 'window', 1500, null]]],
    ['unanimous p1 but spoofed frames: the ballot refuses early, the window says spoof', early(), (seq) => ({ ...vote(1, seq), antispoof: 0.05 }), [['spoof', 'window', 1500, null]]],
    ['rule off (uncontestedAfterMs = windowMs)', early({ uncontestedAfterMs: 1500 }), (seq) => vote(1, seq), [['person', 'window', 1500, 1]]],
  ];
  for (const [name, o, votesFor, expected] of rows) {
    test(name, () => assert.deepEqual(decisions(o, 20, votesFor), expected));
  }

  test('the default is on: a walk-up of agreeing votes is greeted at 1 s, inside the 1–2 s vote', () => {
    const o = voteOptionsSchema.parse({});
    assert.ok(o.voter.uncontestedAfterMs < o.voter.windowMs);
    assert.deepEqual(decisions({ ...o, tracker: { ...o.tracker, maxMissedMs: 2000 } }, 20, (seq) => vote(1, seq)), [['person', 'uncontested', o.voter.uncontestedAfterMs, 1]]);
  });
});


describe('Voter on a slow loop', () => {
  test('a frame every 1.1 s, ticks between: one track and one greeting, not one per frame', () => {
    const o = voteOptionsSchema.parse({ voter: { minFrames: 3 } });
    assert.ok(o.tracker.stalledMs > 1100 && o.tracker.maxMissedMs < 1100, 'defaults: a frame gap longer than maxMissedMs, shorter than stalledMs');
    const voter = new Voter(o);
    const events: VoteEvent[] = [];
    for (let seq = 0; seq < 4; seq++) {
      const ts = seq * 1100;
      events.push(...voter.frame(seq, ts, [FACE]).events);
      events.push(...voter.addVote({ ...vote(1, seq), ts }));
      for (let t = ts + 100; t < ts + 1100; t += 100) events.push(...voter.tick(t));
    }
    assert.equal(events.filter((e) => e.type === 'track.start').length, 1);
    assert.deepEqual(decided(events).map((d) => [d.trackId, d.result, d.personId]), [[1, 'person', 1]]);
  });
});
