import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionMatrix, dPrime, farAt, openSetReport, operatingPoint, pointForTar, rank1Accuracy, summarize, tarAt, thresholdForFar, type ProbeResult } from '../../../src/model/eval/metrics.ts';

const p = (truth: number, predicted: number, score: number, trueScore = score): ProbeResult => ({ truth, predicted, score, trueScore });

describe('closed-set metrics', () => {
  test('rank-1 accuracy and confusion matrix', () => {
    const r = [p(0, 0, 0.9), p(0, 1, 0.7, 0.6), p(1, 1, 0.8), p(2, 2, 0.95)];
    assert.equal(rank1Accuracy(r), 0.75);
    assert.deepEqual(confusionMatrix(r, 3), [[1, 1, 0], [0, 1, 0], [0, 0, 1]]);
    assert.equal(rank1Accuracy([]), 0);
  });

  test('summary of per-seed figures', () => {
    assert.deepEqual(summarize([1, 0.9, 0.95]), { mean: (1 + 0.9 + 0.95) / 3, min: 0.9, max: 1 });
    assert.deepEqual(summarize([]), { mean: 0, min: 0, max: 0 });
  });
});

describe('open-set metrics', () => {
  const impostor = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
  const genuine = [p(0, 0, 0.97), p(1, 1, 0.85), p(2, 2, 0.65), p(3, 1, 0.99, 0.5)];

  test('TAR counts only correct identities at or above the threshold; FAR counts any impostor at or above it', () => {
    const s = { genuine, impostor };
    assert.equal(tarAt(s, 0.8), 2 / 4);
    assert.equal(farAt(s, 0.8), 3 / 10);
    assert.equal(tarAt(s, 0), 3 / 4, 'a wrong identity is never a true accept, whatever its score');
  });

  test('threshold for a FAR keeps at most that share of impostors above it', () => {
    for (const far of [0, 0.1, 0.2, 0.5]) {
      const t = thresholdForFar(impostor, far);
      assert.ok(farAt({ genuine: [], impostor }, t) <= far, `far ${far}`);
    }
    // FAR 10% of 10 impostors allows one: the threshold sits just above the second-highest.
    const t = thresholdForFar(impostor, 0.1);
    assert.ok(t > 0.9 && t <= 0.95);
    // Fewer impostors than 1/FAR: nothing may pass, the threshold is above the highest.
    assert.ok(thresholdForFar(impostor, 0.01) > 0.95);
  });

  test('report at the configured threshold and at FAR 1% / 0.1%', () => {
    const r = openSetReport({ genuine, impostor }, { threshold: 0.75, minMargin: 0 });
    assert.equal(r.tar, 0.5);
    assert.equal(r.far, 0.3);
    assert.equal(r.genuineCount, 4);
    assert.equal(r.impostorCount, 10);
    assert.ok(Math.abs(r.genuineMean - (0.97 + 0.85 + 0.65 + 0.5) / 4) < 1e-9, 'genuine mean uses the true person\'s similarity');
    assert.ok(Math.abs(r.impostorMean - impostor.reduce((a, b) => a + b) / 10) < 1e-9);
    assert.ok(r.atFar['0.01'] && r.atFar['0.001']);
    assert.equal(r.atFar['0.01']!.tar, 1 / 4, 'only the 0.97 genuine clears a threshold above every impostor');
    assert.ok(Math.abs(r.dPrime - dPrime([0.97, 0.85, 0.65, 0.5], impostor)) < 1e-12);
  });

  test('d′: separation in pooled standard deviations, 0 when undefined', () => {
    // Means 1 and 0, each with standard deviation 0.5: d′ = 1 / 0.5 = 2.
    assert.ok(Math.abs(dPrime([0.5, 1.5], [-0.5, 0.5]) - 2) < 1e-12);
    assert.equal(dPrime([], [0.1]), 0);
    assert.equal(dPrime([0.5, 0.5], [0.5, 0.5]), 0);
    assert.ok(dPrime([0.2, 0.3], [0.8, 0.9]) < 0, 'strangers scoring higher give a negative d′');
  });

  // The kiosk's rule: a match needs the threshold and a lead over the runner-up.
  const ruled = {
    genuine: [
      { ...p(0, 0, 0.9), margin: 0.2 },
      { ...p(1, 1, 0.85), margin: 0.01 }, // right person, but a look-alike is close: refused by the margin
      { ...p(2, 2, 0.7), margin: 0.3 },
      { ...p(3, 1, 0.88, 0.5), margin: 0.1 }, // wrong person, confidently
    ],
    impostor: [0.95, 0.86, 0.6, 0.5],
    impostorMargins: [0.02, 0.2, 0.3, 0.3],
  };

  test('operating point applies threshold and margin together, to genuine and impostor probes alike', () => {
    const o = operatingPoint(ruled, { threshold: 0.8, minMargin: 0.05 });
    assert.equal(o.tar, 1 / 4, 'only the 0.9 genuine passes both');
    assert.equal(o.wrongAccept, 1 / 4, 'the confident wrong match is counted, not hidden');
    assert.equal(o.far, 1 / 4, 'the 0.95 stranger is refused by its margin; the 0.86 one passes');
    const noMargin = operatingPoint(ruled, { threshold: 0.8, minMargin: 0 });
    assert.equal(noMargin.tar, 2 / 4);
    assert.equal(noMargin.far, 2 / 4);
    // Without margins recorded, the rule is the threshold alone.
    assert.equal(operatingPoint({ genuine, impostor }, { threshold: 0.8, minMargin: 0.5 }).far, farAt({ genuine, impostor }, 0.8));
  });

  test('point for a target TAR: the strictest threshold that reaches it, or the best the rule allows', () => {
    const half = pointForTar(ruled, 0.05, 0.5);
    assert.equal(half.reachable, true);
    assert.equal(half.threshold, 0.7);
    assert.equal(half.tar, 0.5);
    assert.equal(half.far, 1 / 4);
    const ninety = pointForTar(ruled, 0.05, 0.9);
    assert.equal(ninety.reachable, false, 'two of four genuine probes can never pass: wrong person, or a refused margin');
    assert.equal(ninety.tar, 0.5);
    const r = openSetReport(ruled, { threshold: 0.8, minMargin: 0.05 });
    assert.equal(r.operating.tar, 1 / 4);
    assert.equal(r.forTar.targetTar, 0.9);
  });
});
