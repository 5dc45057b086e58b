/**
 * Decisions under load: the walk-up test's video (same split, same seed, same order) through
 * `kiosk run`, once on a quiet machine and once with both cores kept busy by two busy-loop child
 * processes, as on an edge box that also runs the screen, the browser and backups. Reported per
 * appearance: decided at all, right (the person's name, or not named for a stranger), wrong (a
 * wrong name, or a stranger named). Target: every appearance decided, none wrong. Not in CI: it
 * burns both cores for minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { appearanceAt, buildWalkupVideo, type Appearance, type WalkupPhoto } from '../test/helpers/walkup.ts';
import { listDataset } from '../src/model/eval/dataset.ts';
import { stratifiedSplit } from '../src/model/eval/split.ts';
import { mulberry32, shuffled } from '../src/model/rng.ts';
import { voterOptionsSchema } from '../src/vote/options.ts';
import { printTable } from './stats.ts';
import { kiosk, parseRun } from './kiosk-cli.ts';

/** As in test/integration/pipeline/walkup.test.ts. */
const STRANGER = 'thaotam';
const SEED = 0;
const HELD_OUT = 0.2;
/** Busy-loop processes: one per core of the 2-core target box. */
/** Decisions on fewer votes than this came from the few-votes rule (the default voter config). */
const MIN_FRAMES = voterOptionsSchema.parse({}).minFrames;
const BUSY_PROCESSES = Number(process.env.BENCH_BUSY_PROCESSES ?? 2);

function busyLoops(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

interface Tally {
  appearances: number;
  decided: number;
  right: number;
  wrong: number;
  none: number;
  fewVotes: number;
  /** Enrolled appearances named right (the walk-up test's measure). */
  recognised: number;
  enrolled: number;
  wrongDetails: string[];
  fps: number;
  skippedBusy: number;
}

function tally(out: string, appearances: readonly Appearance[]): Tally {
  const { decisions, summary } = parseRun(out);
  const t0 = summary.firstFrameTs ?? 0;
  const t: Tally = { appearances: appearances.length, decided: 0, right: 0, wrong: 0, none: 0, fewVotes: 0, recognised: 0, enrolled: appearances.filter((a) => a.enrolled).length, wrongDetails: [], fps: summary.fps, skippedBusy: summary.embeds.skippedBusy };
  for (const a of appearances) {
    const own = decisions.filter((d) => appearanceAt(appearances, (d.firstSeen - t0) / 1000) === a.index);
    if (own.length === 0) {
      t.none++;
      continue;
    }
    t.decided++;
    const named = own.filter((d) => d.result === 'person');
    const wrongOnes = named.filter((d) => !a.enrolled || d.name !== a.person);
    for (const d of wrongOnes) t.wrongDetails.push(`${a.person}/${basename(a.path)} → ${d.name} (similarity ${d.similarity.toFixed(3)}, ${d.frames} votes ${JSON.stringify(d.votes)})`);
    if (a.enrolled && named.some((d) => d.name === a.person)) t.recognised++;
    if (wrongOnes.length > 0) t.wrong++;
    else if (a.enrolled ? named.length > 0 : true) t.right++;
  }
  t.fewVotes = decisions.filter((d) => d.frames < MIN_FRAMES).length;
  return t;
}

export async function benchLoad(datasetDir: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'kiosk-bench-load-'));
  try {
    const dataDir = join(work, 'data');
    const dataset = await listDataset(datasetDir);
    const { train, test: held } = stratifiedSplit(dataset.images.map((i) => i.label), HELD_OUT, SEED);
    for (const i of train) {
      const img = dataset.images[i];
      if (!img || img.person === STRANGER) continue;
      await mkdir(join(work, 'enroll', img.person), { recursive: true });
      await copyFile(img.path, join(work, 'enroll', img.person, basename(img.path)));
    }
    await kiosk(['--data-dir', dataDir, 'enroll', join(work, 'enroll')]);
    const photos: WalkupPhoto[] = held.flatMap((i) => {
      const img = dataset.images[i];
      return img ? [{ person: img.person, path: img.path, enrolled: img.person !== STRANGER }] : [];
    });
    const appearances = await buildWalkupVideo(join(work, 'walkup.mp4'), shuffled(photos, mulberry32(SEED)));
    // No cooldown: every appearance's decision is printed, logged or not.
    const run = (): Promise<string> => kiosk(['--data-dir', dataDir, 'run', '--source', join(work, 'walkup.mp4'), '--json'], { KIOSK_STORE__COOLDOWN_MS: '0' });
    const quiet = tally(await run(), appearances);
    const busy = busyLoops(BUSY_PROCESSES);
    let loaded: Tally;
    try {
      loaded = tally(await run(), appearances);
    } finally {
      for (const b of busy) b.kill();
    }
    const row = (name: string, t: Tally): (string | number)[] => [name, t.appearances, t.decided, t.right, t.wrong, t.none, `${t.recognised}/${t.enrolled}`, t.fewVotes, t.fps, t.skippedBusy];
    printTable(
      `walk-up test video (${appearances.length} appearances, ${appearances.filter((a) => !a.enrolled).length} of a stranger) through kiosk run, quiet and with ${BUSY_PROCESSES} busy-loop processes`,
      ['machine', 'appearances', 'decided', 'right', 'wrong', 'no decision', 'enrolled named', 'few-votes decisions', 'loop fps', 'embeds skipped busy'],
      [row('quiet', quiet), row(`${BUSY_PROCESSES} busy loops`, loaded)],
    );
    for (const [name, t] of [['quiet', quiet], ['busy', loaded]] as const) for (const w of t.wrongDetails) console.log(`wrong (${name}): ${w}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
