import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decideBallot, voteWeight } from '../../../src/vote/ballot.ts';
import { ballotOptionsSchema, type BallotOptions } from '../../../src/vote/options.ts';
import type { BallotVote, DecisionReason, DecisionResult } from '../../../src/vote/types.ts';

const defaults = ballotOptionsSchema.parse({});
const NAMES: Record<number, string> = { 1: 'alice', 2: 'bob' };

/** A live, full-quality vote; override what a case is about. */
function v(personId: number | null, similarity = 0.8, extra: Partial<BallotVote> = {}): BallotVote {
  return {
    personId,
    name: personId === null ? null : (NAMES[personId] ?? null),
    similarity,
    margin: 0.2,
    quality: 1,
    antispoof: 0.9,
    liveness: 0.9,
    ...extra,
  };
}
const times = (n: number, make: () => BallotVote): BallotVote[] => Array.from({ length: n }, make);

interface Case {
  name: string;
  votes: BallotVote[];
  options?: Partial<BallotOptions>;
  result: DecisionResult;
  reason: DecisionReason;
  personId?: number;
}

const cases: Case[] = [
  { name: 'no votes', votes: [], result: 'unknown', reason: 'no-votes' },
  { name: 'unanimous person', votes: times(5, () => v(1)), result: 'person', reason: 'accepted', personId: 1 },
  { name: 'tie between two people', votes: [...times(2, () => v(1)), ...times(2, () => v(2))], result: 'unknown', reason: 'tie' },
  {
    name: 'tie even when minShare allows 0.5',
    votes: [...times(3, () => v(1)), ...times(3, () => v(2))],
    options: { minShare: 0.5 },
    result: 'unknown',
    reason: 'tie',
  },
  {
    name: 'tie in weight with different counts',
    votes: [...times(2, () => v(1, 0.8, { quality: 0.5 })), v(2)],
    options: { minShare: 0.5 },
    result: 'unknown',
    reason: 'tie',
  },
  { name: 'all unknown', votes: times(6, () => v(null, 0.3)), result: 'unknown', reason: 'unknown-majority' },
  {
    name: 'mostly unknown with a minority person',
    votes: [...times(3, () => v(null, 0.3)), ...times(2, () => v(1))],
    result: 'unknown',
    reason: 'unknown-majority',
  },
  {
    name: 'mostly unknown stays unknown even with the lowest minShare',
    votes: [...times(3, () => v(null, 0.3)), ...times(2, () => v(1))],
    options: { minShare: 0.5 },
    result: 'unknown',
    reason: 'unknown-majority',
  },
  {
    name: 'person at exactly minShare with unknowns in the denominator',
    votes: [...times(2, () => v(null, 0.3)), ...times(3, () => v(1))],
    result: 'person',
    reason: 'accepted',
    personId: 1,
  },
  {
    name: 'plurality below minShare',
    votes: [...times(5, () => v(1)), ...times(2, () => v(2)), ...times(3, () => v(null, 0.3))],
    result: 'unknown',
    reason: 'low-share',
  },
  { name: 'winner similarity too low', votes: times(5, () => v(1, 0.45)), result: 'unknown', reason: 'low-similarity' },
  {
    name: 'spoof: most checked frames fail antispoof',
    votes: [...times(3, () => v(1, 0.9, { antispoof: 0.1 })), ...times(2, () => v(1, 0.9))],
    result: 'spoof',
    reason: 'spoof',
  },
  {
    name: 'spoof: liveness fails while antispoof passes',
    votes: times(5, () => v(1, 0.9, { liveness: 0.2 })),
    result: 'spoof',
    reason: 'spoof',
  },
  {
    name: 'a minority of failing frames is not a spoof',
    votes: [...times(2, () => v(1, 0.9, { antispoof: 0.1 })), ...times(3, () => v(1, 0.9))],
    result: 'person',
    reason: 'accepted',
    personId: 1,
  },
  {
    name: 'NaN gate score fails closed',
    votes: times(4, () => v(1, 0.9, { antispoof: Number.NaN })),
    result: 'spoof',
    reason: 'spoof',
  },
  {
    name: 'spoof share counts only frames that were checked',
    votes: [...times(2, () => v(1, 0.9, { antispoof: 0.1, liveness: null })), ...times(4, () => v(1, 0.9, { antispoof: null, liveness: null }))],
    result: 'spoof',
    reason: 'spoof',
  },
  {
    name: 'gates never ran: not live by default',
    votes: times(5, () => v(1, 0.9, { antispoof: null, liveness: null })),
    result: 'unknown',
    reason: 'not-live',
  },
  {
    name: 'gates never ran and minLiveShare 0',
    votes: times(5, () => v(1, 0.9, { antispoof: null, liveness: null })),
    options: { minLiveShare: 0 },
    result: 'person',
    reason: 'accepted',
    personId: 1,
  },
  {
    name: 'too few live frames',
    votes: [...times(2, () => v(1)), ...times(3, () => v(1, 0.8, { antispoof: null, liveness: null }))],
    result: 'unknown',
    reason: 'not-live',
  },
  {
    name: 'NaN/Inf similarities are dropped, not counted for anyone',
    votes: [
      ...times(3, () => v(1)),
      ...times(4, () => v(2, Number.NaN)),
      v(2, Number.POSITIVE_INFINITY),
      v(null, Number.NEGATIVE_INFINITY),
    ],
    result: 'person',
    reason: 'accepted',
    personId: 1,
  },
  { name: 'only NaN votes', votes: times(5, () => v(1, Number.NaN)), result: 'unknown', reason: 'no-votes' },
  {
    name: 'by count alice wins',
    votes: [...times(3, () => v(1)), ...times(2, () => v(2))],
    result: 'person',
    reason: 'accepted',
    personId: 1,
  },
  {
    name: 'quality weighting turns it to bob',
    votes: [...times(3, () => v(1, 0.8, { quality: 0.2 })), ...times(2, () => v(2, 0.8, { quality: 0.9 }))],
    result: 'person',
    reason: 'accepted',
    personId: 2,
  },
  {
    name: 'low-quality person votes lose to sharp unknown frames',
    votes: [...times(4, () => v(1, 0.8, { quality: 0.1 })), ...times(2, () => v(null, 0.3, { quality: 1 }))],
    result: 'unknown',
    reason: 'unknown-majority',
  },
  {
    name: 'zero quality everywhere still decides (weight floor)',
    votes: times(4, () => v(1, 0.8, { quality: 0 })),
    result: 'person',
    reason: 'accepted',
    personId: 1,
  },
];

describe('decideBallot', () => {
  for (const c of cases) {
    test(c.name, () => {
      const d = decideBallot(c.votes, { ...defaults, ...c.options });
      assert.equal(d.result, c.result);
      assert.equal(d.reason, c.reason);
      if (c.result === 'person') {
        assert.equal(d.personId, c.personId);
        assert.equal(d.name, NAMES[c.personId ?? -1]);
        assert.equal(d.similarity, d.evidence.winnerMeanSimilarity);
        assert.ok(Number.isFinite(d.similarity), 'similarity is finite');
      } else {
        assert.equal(d.personId, null);
        assert.equal(d.name, null);
        assert.equal(d.similarity, null);
      }
    });
  }

  test('evidence counts votes, weights, unknowns and live frames', () => {
    const votes = [
      v(1, 0.9, { quality: 0.5 }),
      v(1, 0.7, { quality: 1, margin: Number.NaN }),
      v(1, 0.8, { quality: 0.5, antispoof: null, liveness: null }),
      v(2, 0.6, { quality: 0.5 }),
      v(null, 0.2, { quality: 1, antispoof: 0.1 }),
      v(2, Number.NaN),
    ];
    const d = decideBallot(votes, defaults);
    const e = d.evidence;
    assert.deepEqual(
      e.tallies.map((t) => [t.personId, t.name, t.count, t.weight]),
      [
        [1, 'alice', 3, 2],
        [2, 'bob', 1, 0.5],
      ],
    );
    assert.ok(Math.abs((e.tallies[0]?.meanSimilarity ?? 0) - 0.8) < 1e-12, 'alice mean similarity');
    assert.equal(e.unknownCount, 1);
    assert.equal(e.unknownWeight, 1);
    assert.equal(e.totalWeight, 3.5);
    assert.equal(e.winnerShare, 2 / 3.5);
    assert.equal(e.winnerMeanMargin, 0.2);
    assert.equal(e.framesUsed, 5);
    assert.equal(e.framesDropped, 1);
    assert.equal(e.judgedFrames, 4);
    assert.equal(e.liveFrames, 3);
    assert.equal(e.failedGateFrames, 1);
    assert.equal(d.result, 'unknown');
    assert.equal(d.reason, 'low-share');
  });

  test('evidence is plain JSON', () => {
    const d = decideBallot([...times(4, () => v(1)), v(2, Number.NaN)], defaults);
    assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  });

  test('the order of votes does not change the decision', () => {
    const votes = [...times(3, () => v(1, 0.8, { quality: 0.2 })), ...times(2, () => v(2, 0.7, { quality: 0.9 })), v(null, 0.1)];
    const forward = decideBallot(votes, defaults);
    const backward = decideBallot([...votes].reverse(), defaults);
    assert.equal(forward.personId, backward.personId);
    assert.equal(forward.result, backward.result);
  });

  test('voteWeight clamps quality and applies the floor', () => {
    assert.equal(voteWeight(2, 0.1), 1);
    assert.equal(voteWeight(-1, 0.1), 0.1);
    assert.equal(voteWeight(Number.NaN, 0.1), 0.1);
    assert.equal(voteWeight(0.7, 0.1), 0.7);
  });
});
