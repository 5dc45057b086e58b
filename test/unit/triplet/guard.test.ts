import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { guardFailures, meanFigures, noWorseThan } from '../../../src/model/triplet/fold-eval.ts';
import { farAtTar, openSetFigures, type OpenSetFigures, type ValidationFigures } from '../../../src/model/triplet/metrics.ts';

function open(o: Partial<OpenSetFigures>): OpenSetFigures {
  return { tarAtFar: 0.8, threshold: 0.8, farAtTar: 0, targetTar: 0.8, meanGenuine: 0.85, meanStranger: 0.75, genuineProbes: 20, strangerProbes: 30, atThreshold: { threshold: 0.81, tar: 0.84, far: 0.02 }, ...o };
}

function figures(f: Partial<ValidationFigures>): ValidationFigures {
  return { rank1: 0.98, meanGenuine: 0.8, meanImpostor: 0.6, separation: 0.2, dprime: 2, tarAtFar: 0.7, threshold: 0.9, far: 0.01, genuinePairs: 10, impostorPairs: 40, openSet: open({}), ...f };
}

describe('open-set figures with stand-in strangers', () => {
  const probes = {
    genuine: [{ score: 0.9, correct: true }, { score: 0.85, correct: true }, { score: 0.7, correct: true }, { score: 0.95, correct: false }],
    stranger: [0.6, 0.8, 0.75, 0.72],
  };

  test('threshold = the best stranger at FAR 0; a genuine probe counts only when its own person ranks first', () => {
    const f = openSetFigures(probes, 0, null, 0.8)!;
    assert.equal(f.threshold, 0.8);
    assert.equal(f.tarAtFar, 2 / 4); // 0.9 and 0.85; 0.95 matched someone else
    assert.deepEqual(f.atThreshold, { threshold: 0.8, tar: 2 / 4, far: 1 / 4 });
    assert.ok(Math.abs(f.meanStranger - 0.7175) < 1e-12);
  });

  test('FAR at equal TAR reads strangers at the lowest threshold reaching that TAR', () => {
    // TAR 3/4 needs the 3rd best correct genuine score, 0.7: strangers ≥ 0.7 are 0.8, 0.75, 0.72.
    assert.equal(farAtTar(probes, 0.75), 3 / 4);
    assert.equal(farAtTar(probes, 0.5), 0); // threshold 0.85: no stranger reaches it
    assert.equal(farAtTar(probes, 1), null, 'only 3 of 4 genuine probes can ever be accepted');
    assert.equal(farAtTar(probes, 0), 0);
  });
});

describe('guard against the identity head', () => {
  test('an equal head passes; each worse figure is named', () => {
    const base = figures({});
    assert.deepEqual(guardFailures(base, base), []);
    assert.ok(noWorseThan(figures({ rank1: 1 }), base));
    const worse = figures({ rank1: 0.9, openSet: open({ tarAtFar: 0.7, farAtTar: 0.1, atThreshold: { threshold: 0.81, tar: 0.5, far: 0.3 } }) });
    assert.deepEqual(guardFailures(worse, base).map((f) => f.check), ['rank1', 'strangerTar', 'farAtEqualTar', 'tarAtThreshold', 'farAtThreshold']);
    assert.match(guardFailures(worse, base)[4]!.text, /stranger FAR at threshold 0\.81: 30\.0% > 2\.0%/);
  });

  test('a head that cannot reach the baseline TAR at all fails the equal-TAR check', () => {
    const f = guardFailures(figures({ openSet: open({ farAtTar: null }) }), figures({}));
    assert.deepEqual(f.map((x) => x.check), ['farAtEqualTar']);
    assert.match(f[0]!.text, /unreachable/);
  });

  test('no baseline (no validation) never fails', () => {
    assert.deepEqual(guardFailures(figures({ rank1: 0 }), null), []);
  });
});

describe('meanFigures', () => {
  test('field-wise mean over folds; pair counts add up; a figure missing in one fold is null', () => {
    const m = meanFigures([figures({ rank1: 1, dprime: null }), figures({ rank1: 0.5, openSet: open({ tarAtFar: 0.6 }) })])!;
    assert.equal(m.rank1, 0.75);
    assert.equal(m.dprime, null);
    assert.equal(m.genuinePairs, 20);
    assert.ok(Math.abs(m.openSet!.tarAtFar - 0.7) < 1e-12);
    assert.equal(m.openSet!.strangerProbes, 60);
    assert.equal(meanFigures([]), null);
    assert.equal(meanFigures([figures({ openSet: null }), figures({})])!.openSet, null);
  });
});
