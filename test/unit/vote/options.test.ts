import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ballotOptionsSchema, trackerOptionsSchema, voteOptionsSchema, voterOptionsSchema } from '../../../src/vote/options.ts';
import { toVote } from '../../../src/vote/to-vote.ts';

describe('voteOptionsSchema', () => {
  test('empty input gives the documented defaults', () => {
    const o = voteOptionsSchema.parse({});
    assert.equal(o.voter.windowMs, 1500);
    assert.equal(o.voter.minFrames, 3);
    assert.equal(o.ballot.minShare, 0.6);
    assert.ok(o.voter.maxVotes >= o.voter.minFrames, 'defaults are consistent');
  });

  const rejected: Array<[string, unknown]> = [
    ['windowMs below 1000', { voter: { windowMs: 999 } }],
    ['windowMs above 2000', { voter: { windowMs: 2001 } }],
    ['maxVotes below minFrames', { voter: { minFrames: 6, maxVotes: 5 } }],
    ['minShare below one half', { ballot: { minShare: 0.4 } }],
    ['minIou of 0', { tracker: { minIou: 0 } }],
    ['unknown key', { voter: { windowMS: 1500 } }],
    ['unknown slice', { voting: {} }],
  ];
  for (const [name, input] of rejected) {
    test(`rejects ${name}`, () => {
      assert.equal(voteOptionsSchema.safeParse(input).success, false);
    });
  }

  test('a partial slice keeps the other defaults', () => {
    const o = voteOptionsSchema.parse({ voter: { windowMs: 2000 }, ballot: { minMeanSimilarity: 0.62 } });
    assert.equal(o.voter.windowMs, 2000);
    assert.equal(o.voter.minFrames, 3);
    assert.equal(o.ballot.minMeanSimilarity, 0.62);
    assert.equal(o.ballot.minShare, 0.6);
    assert.equal(o.tracker.minIou, trackerOptionsSchema.parse({}).minIou);
  });

  test('every key is described', () => {
    for (const schema of [trackerOptionsSchema, ballotOptionsSchema, voterOptionsSchema, voteOptionsSchema]) {
      const keys = Object.entries(schema.shape);
      assert.ok(keys.length > 0, 'slice has keys');
      for (const [key, field] of keys) {
        assert.equal(typeof field.description, 'string', key);
      }
    }
  });
});

describe('toVote', () => {
  const obs = { frameSeq: 7, ts: 700, quality: { sizePx: 120, frontalness: 1, sharpness: 1, score: 0.7 }, antispoof: 0.9, liveness: null };
  test('a matched face votes for the person with their similarity', () => {
    const v = toVote(3, obs, {
      person: { personId: 2, name: 'bob', similarity: 0.81 },
      bestSimilarity: 0.81,
      margin: 0.3,
      topK: [],
    });
    assert.deepEqual(v, { trackId: 3, frameSeq: 7, ts: 700, personId: 2, name: 'bob', similarity: 0.81, margin: 0.3, quality: 0.7, antispoof: 0.9, liveness: null });
  });
  test('an unmatched face votes unknown and carries the best similarity', () => {
    const v = toVote(3, obs, { person: null, bestSimilarity: 0.42, margin: 0.01, topK: [] });
    assert.equal(v.personId, null);
    assert.equal(v.name, null);
    assert.equal(v.similarity, 0.42);
  });
});
