/**
 * Config slice of the vote stage: tracker (linking boxes), ballot (deciding one track) and voter
 * (when to decide). The lead composes `voteOptionsSchema` into the global config.
 */
import { z } from 'zod';

export const trackerOptionsSchema = z
  .object({
    minIou: z
      .number()
      .gt(0)
      .max(1)
      .default(0.3)
      .describe('Smallest IoU between a track\'s last box and a detection for them to be linked.'),
    maxCentreDistance: z
      .number()
      .min(0)
      .default(0.6)
      .describe(
        'Fallback when IoU is too low (fast motion): link if the centre distance is at most this fraction of the larger box\'s side (√(w·h)).',
      ),
    maxScaleChange: z
      .number()
      .min(1)
      .default(1.5)
      .describe('Centre-distance fallback only links boxes whose sides (√(w·h)) differ by at most this ratio.'),
    maxMissedMs: z
      .number()
      .int()
      .min(0)
      .default(800)
      .describe('A track missing from the frames processed for longer than this (ms) ends; a face seen later starts a new track.'),
    stalledMs: z
      .number()
      .int()
      .min(0)
      .default(3000)
      .describe('While no frame is processed at all (a busy CPU slowing detection, a stalled camera), a track ends only this long (ms) after it was last seen, and never sooner than maxMissedMs: the loop not looking is not the face leaving (on a loaded box a frame took over 800 ms, and tracks split mid-appearance and were greeted twice).'),
  })
  .strict();

export const ballotOptionsSchema = z
  .object({
    minShare: z
      .number()
      .min(0.5)
      .max(1)
      .default(0.6)
      .describe(
        'Smallest quality-weighted share of all counted votes (unknown ones included) the winning person needs.',
      ),
    minMeanSimilarity: z
      .number()
      .min(-1)
      .max(1)
      .default(0.5)
      .describe(
        'Smallest mean similarity of the winner\'s votes. Set it at or above the matcher\'s open-set threshold; below that it has no effect.',
      ),
    minVoteWeight: z
      .number()
      .gt(0)
      .max(1)
      .default(0.1)
      .describe('Floor on a vote\'s weight, so zero-quality frames still count a little and weights never sum to 0.'),
    antispoofMin: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('A frame whose antispoof score (1 = real) is below this fails the spoof gate (0.3: Human\'s antispoof scores real in-the-wild photos at median 0.65, 5th percentile 0.32 on facenet5).'),
    livenessMin: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('A frame whose liveness score (1 = live) is below this fails the liveness gate.'),
    maxSpoofShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('The track is a spoof when more than this share of the frames that were checked fail a gate.'),
    minLiveShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        'Share of counted frames that must pass the liveness/antispoof gates for a person decision; frames where neither model ran do not count as live. Set 0 when those models are disabled.',
      ),
  })
  .strict();

export const voterOptionsSchema = z
  .object({
    windowMs: z
      .number()
      .int()
      .min(1000)
      .max(2000)
      .default(1500)
      .describe('Votes are collected for this long (ms) after a track\'s first frame before it is decided.'),
    uncontestedAfterMs: z
      .number()
      .int()
      .min(0)
      .max(2000)
      .default(1000)
      .describe('A track may be decided before its window ends, once this long (ms) after its first frame, when it has minFrames usable votes, no vote names anyone but one person, and the ballot accepts that person (its share and mean similarity, liveness): more frames could only add unknown votes or votes for the same person, and the person is greeted sooner. Tracks where two people are named, or nobody, wait for the window. At or above windowMs the rule is off.'),
    minFrames: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Usable votes a track needs before it may be decided; a track ending with fewer is dropped (3 fits a 2-s walk-up at ~2.5 flip-averaged embeddings/s on 2 cores).'),
    maxVotes: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Votes kept per track; after this many no more descriptors are requested for it.'),
    maxTracks: z
      .number()
      .int()
      .min(1)
      .default(16)
      .describe('Tracks alive at once; detections beyond this are not tracked (bounds memory).'),
    pendingGraceMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(3000)
      .describe('A track that leaves while votes for it are still being computed waits up to this long (ms) for them before it is ended and decided.'),
    fewVotesMin: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('Under load a track may get fewer than minFrames votes: once its window has elapsed or it ended, it is still decided with at least this many when they all name the same person and clear fewVotesMinSimilarity and fewVotesMinMargin. At or above minFrames the rule is off. 2 (two agreeing clear frames): with both cores busy the walk-up bench decided 25 of 30 appearances with none wrong; 1 named people wrongly (see README, Under load).'),
    fewVotesMinSimilarity: z
      .number()
      .min(-1)
      .max(1)
      .default(0.6)
      .describe('Similarity every vote of a few-votes decision must reach: well above the matcher\'s open-set threshold (0.47 for arcface), so one clear frame is worth more than three borderline ones.'),
    fewVotesMinMargin: z
      .number()
      .min(0)
      .max(2)
      .default(0.1)
      .describe('Best-minus-runner-up similarity every vote of a few-votes decision must reach, so a look-alike never wins on little evidence.'),
  })
  .strict()
  .refine((o) => o.maxVotes >= o.minFrames, {
    message: 'maxVotes must be at least minFrames, or no track could ever be decided',
    path: ['maxVotes'],
  });

export const voteOptionsSchema = z
  .object({
    tracker: trackerOptionsSchema.prefault({}).describe('Linking face boxes across frames into tracks.'),
    ballot: ballotOptionsSchema.prefault({}).describe('Turning one track\'s votes into person / unknown / spoof.'),
    voter: voterOptionsSchema.prefault({}).describe('When a track is decided.'),
  })
  .strict();

export type TrackerOptions = z.infer<typeof trackerOptionsSchema>;
export type BallotOptions = z.infer<typeof ballotOptionsSchema>;
export type VoterOptions = z.infer<typeof voterOptionsSchema>;
export type VoteOptions = z.infer<typeof voteOptionsSchema>;
