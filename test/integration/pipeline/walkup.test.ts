/**
 * The kiosk end to end on a walk-up video built from the tutorial's photos: enroll the train
 * split of four people, then show every held-out photo of those four and the held-out photos of
 * the fifth (never enrolled) person, ≈2 s each with a slow zoom, 1 s of empty frames between.
 * Every held-out photo is used; none is picked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { datasetOrSkip } from '../../helpers/dataset.ts';
import { runCli } from '../../helpers/cli.ts';
import { appearanceAt, buildWalkupVideo, type Appearance, type WalkupPhoto } from '../../helpers/walkup.ts';
import { listDataset } from '../../../src/model/eval/dataset.ts';
import { stratifiedSplit } from '../../../src/model/eval/split.ts';
import { mulberry32, shuffled } from '../../../src/model/rng.ts';
import { openStore } from '../../../src/store/store.ts';
import type { DecisionEvent } from '../../../src/server/ports.ts';
import type { LoopSummary } from '../../../src/cli/pipeline/kiosk-loop.ts';

const ds = datasetOrSkip();
const STRANGER = 'thaotam';
const SEED = 0;
/**
 * Floor for recognised enrolled appearances: 22 of 24, the product's goal. Measured with the arcface
 * descriptor at its default threshold 0.48 (the FAR 1% point per photo, leave-one-person-out on
 * facenet5) in a clean-clone `.ci/run`: 22 of 24 at 9.5 fps, no wrong name, no stranger punched; the
 * two missed were profile shots looking up (sontung/030, baejun/022). With the fused tfjs descriptor it
 * was 15–17 of 24; see README.
 */
const MIN_RECOGNISED = 22 / 24;

interface RunOutput {
  decisions: DecisionEvent[];
  summary: LoopSummary;
}

function parseRun(stdout: string): RunOutput {
  const lines = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as DecisionEvent | LoopSummary);
  const summary = lines.find((l): l is LoopSummary => l.type === 'summary');
  assert.ok(summary, 'kiosk run printed a summary line');
  return { decisions: lines.filter((l): l is DecisionEvent => l.type === 'decision'), summary };
}

describe('walk-up video through `kiosk run`', { skip: ds.skip }, () => {
  let work = '';
  let dataDir = '';
  let appearances: Appearance[] = [];
  let first: RunOutput;
  const env = { KIOSK_STORE__COOLDOWN_MS: String(10 * 60_000) };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kiosk-walkup-'));
    dataDir = join(work, 'data');
    const dataset = await listDataset(ds.dir ?? '');
    const { train, test: held } = stratifiedSplit(dataset.images.map((i) => i.label), 0.2, SEED);
    const enrollDir = join(work, 'enroll');
    for (const i of train) {
      const img = dataset.images[i]!;
      if (img.person === STRANGER) continue;
      await mkdir(join(enrollDir, img.person), { recursive: true });
      await copyFile(img.path, join(enrollDir, img.person, basename(img.path)));
    }
    const enrolled = await runCli(['--data-dir', dataDir, 'enroll', enrollDir]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    const photos: WalkupPhoto[] = held.map((i) => dataset.images[i]!).map((img) => ({ person: img.person, path: img.path, enrolled: img.person !== STRANGER }));
    appearances = await buildWalkupVideo(join(work, 'walkup.mp4'), shuffled(photos, mulberry32(SEED)));
    await buildWalkupVideo(join(work, 'replay.mp4'), appearances.filter((a) => a.enrolled).slice(0, 6));
    const r = await runCli(['--data-dir', dataDir, 'run', '--source', join(work, 'walkup.mp4'), '--json'], { env, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    first = parseRun(r.stdout);
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('every enrolled appearance is named correctly or not at all; most are recognised', () => {
    const t0 = first.summary.firstFrameTs ?? 0;
    const byAppearance = new Map<number, DecisionEvent[]>();
    for (const d of first.decisions) {
      const k = appearanceAt(appearances, (d.firstSeen - t0) / 1000);
      byAppearance.set(k, [...(byAppearance.get(k) ?? []), d]);
    }
    const wrong: string[] = [];
    let recognised = 0;
    const missed: string[] = [];
    const enrolled = appearances.filter((a) => a.enrolled);
    for (const a of appearances) {
      const people = (byAppearance.get(a.index) ?? []).filter((d) => d.result === 'person');
      assert.ok(people.length <= 1, `appearance ${a.index} (${a.path}) decided ${people.length} times as a person`);
      for (const d of people) if (!a.enrolled || d.name !== a.person) wrong.push(`${basename(a.path)} (${a.person}) → ${d.name} ${d.similarity.toFixed(3)}`);
      if (a.enrolled && people[0]?.name === a.person) recognised++;
      else if (a.enrolled) missed.push(`${a.person}/${basename(a.path)}`);
    }
    const persons = (byAppearance.get(-1) ?? []).filter((d) => d.result === 'person');
    assert.deepEqual(persons, [], 'no person decision outside an appearance');
    const rate = recognised / enrolled.length;
    console.log(`walk-up: ${recognised}/${enrolled.length} enrolled appearances recognised (${(rate * 100).toFixed(1)}%), ${wrong.length} wrong, `
      + `${appearances.length - enrolled.length} stranger appearances; ${first.summary.framesProcessed}/${first.summary.framesRead} frames at ${first.summary.fps} fps; `
      + `decisions ${JSON.stringify(first.summary.decisions)}; not recognised: ${missed.join(', ') || 'none'}`);
    assert.deepEqual(wrong, [], 'no decision names the wrong person, and no stranger is named');
    assert.ok(rate >= MIN_RECOGNISED, `recognised ${(rate * 100).toFixed(1)}% of enrolled appearances`);
  });

  test('strangers get no punch, and every logged punch is in the database', () => {
    const store = openStore({ dataDir, dbFile: 'kiosk.db' });
    try {
      const punches = store.attendance.list({ from: 0, to: Date.now() + 1, limit: 1000 }).items;
      const logged = first.decisions.filter((d) => d.logged);
      assert.equal(punches.length, logged.length);
      const names = new Set(punches.map((p) => p.personName));
      assert.ok(!names.has(STRANGER));
      // One punch per person at most: later appearances of the same person fall in the cooldown.
      assert.equal(names.size, punches.length);
      // Each punch and each unknown sighting keeps its aligned face crop, sealed.
      assert.deepEqual(punches.filter((p) => !p.hasPhoto).map((p) => p.id), [], 'every punch has its evidence photo');
      const sightings = store.attendance.listSightings({ from: 0, to: Date.now() + 1, limit: 1000 });
      assert.deepEqual(sightings.filter((x) => !x.hasPhoto).map((x) => x.id), [], 'every sighting has its evidence photo');
      for (const p of punches) assert.equal(store.people.evidence.get({ kind: 'punch', id: p.id })?.subarray(0, 2).toString('hex'), 'ffd8', 'decrypts to a JPEG');
    } finally {
      store.close();
    }
  });

  test('replaying within the cooldown greets but logs nothing new', async () => {
    const r = await runCli(['--data-dir', dataDir, 'run', '--source', join(work, 'replay.mp4'), '--json'], { env, timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    const replay = parseRun(r.stdout);
    const people = replay.decisions.filter((d) => d.result === 'person');
    assert.ok(people.length > 0, 'the replay recognised someone');
    for (const d of people) {
      assert.equal(d.logged, false, `${d.name} was logged again inside the cooldown`);
      assert.ok(d.previousPunchTs !== null && d.previousPunchTs <= d.decidedAt);
    }
  });
});
