/**
 * The trained triplet model on the tutorial's data set, through the real CLI: one `kiosk eval
 * --triplet --report` run feeds the table assertions and the browser check of the report; `kiosk
 * train` runs on the data set and on an enrolled gallery. Embeddings (plain and augmented) are
 * cached in a folder kept across runs (KIOSK_TEST_CACHE, default <tmp>/kiosk-triplet-cache), so
 * only the first run pays for the face models (several minutes on 2 cores); later runs take ~2-3 min.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { datasetOrSkip, REPO_ROOT } from '../../helpers/dataset.ts';
import { runCli } from '../../helpers/cli.ts';
import type { EvalJson, EvalRowJson } from '../../../src/cli/eval.ts';
import type { TrainSummary } from '../../../src/cli/train.ts';
import { openStore } from '../../../src/store/store.ts';

const ds = datasetOrSkip();
const CACHE = process.env.KIOSK_TEST_CACHE ?? join(tmpdir(), 'kiosk-triplet-cache');
const CHROMIUM = '/usr/bin/chromium';
const AUGMENT = 2;

async function dataDir(work: string, name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await mkdir(CACHE, { recursive: true });
  await symlink(CACHE, join(dir, 'cache'));
  return dir;
}

describe('triplet rows, report and kiosk train on facenet5', { skip: ds.skip }, () => {
  let work = '';
  let result: EvalJson;
  let stdout = '';
  let report = '';
  const row = (model: EvalRowJson['model']): EvalRowJson => {
    const r = result.rows.find((x) => x.model === model && x.descriptor === 'arcface');
    assert.ok(r, `${model} row present`);
    return r;
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kiosk-triplet-it-'));
    report = join(work, 'report.html');
    const r = await runCli(['--data-dir', await dataDir(work, 'eval'), 'eval', '--dataset', ds.dir ?? '', '--seeds', '5', '--open-set', '--triplet', '--augment', String(AUGMENT),
      '--json', join(work, 'eval.json'), '--report', report], { timeoutMs: 1_500_000 });
    assert.equal(r.code, 0, r.stderr);
    stdout = r.stdout;
    result = JSON.parse(await readFile(join(work, 'eval.json'), 'utf8')) as EvalJson;
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('the three rows, over the same seeds, with the tutorial figures beside them', () => {
    assert.deepEqual(result.rows.map((r) => r.model), ['pretrained', 'triplet', 'triplet-augment']);
    for (const r of result.rows) {
      assert.equal(r.accuracy.perSeed.length, 5);
      assert.ok(r.openSet, `${r.model} has open-set figures`);
      assert.equal(r.openSet.genuineCount, row('pretrained').openSet?.genuineCount, 'same splits, same probes');
      assert.equal(r.openSet.impostorCount, row('pretrained').openSet?.impostorCount);
      assert.ok(r.openSet.genuineMean > r.openSet.impostorMean, `${r.model}: genuine ${r.openSet.genuineMean} vs impostor ${r.openSet.impostorMean}`);
    }
    for (const ref of ['62.1%', '65.5%', '69.0%']) assert.ok(stdout.includes(ref), `tutorial figure ${ref} printed`);
    assert.match(stdout, /genuine mean/);
    assert.match(stdout, /impostor mean/);
  });

  test('each head row: mean rank-1 ≥ 0.98 and no lower than pretrained; open-set TAR@FAR1% no lower than pretrained', () => {
    const base = row('pretrained');
    for (const model of ['triplet', 'triplet-augment'] as const) {
      const r = row(model);
      assert.ok(r.accuracy.mean >= 0.98, `${model} rank-1 ${r.accuracy.mean}`);
      assert.ok(r.accuracy.mean >= base.accuracy.mean - 1e-12, `${model} rank-1 ${r.accuracy.mean} vs pretrained ${base.accuracy.mean}`);
      const tar = r.openSet?.atFar['0.01']?.tar ?? -1;
      const baseTar = base.openSet?.atFar['0.01']?.tar ?? 2;
      assert.ok(tar >= baseTar - 1e-12, `${model} TAR@FAR1% ${tar} vs pretrained ${baseTar}`);
    }
  });

  test('every split trained its own head (5 closed-set + 25 open-set fits), and the summary says how many were kept', () => {
    for (const model of ['triplet', 'triplet-augment'] as const) {
      const h = row(model).head;
      assert.ok(h, `${model} has a head summary`);
      assert.equal(h.fits, 5 + 5 * 5);
      assert.ok(h.identityFits >= 0 && h.identityFits <= h.fits);
      // A fit that fell back to pretrained either never improved or was refused for a named reason.
      for (const x of h.refusals) assert.ok(x.fits >= 1 && x.fits <= h.fits && x.reason.length > 0);
    }
    assert.equal(row('triplet-augment').head?.augmentCount, AUGMENT);
    assert.match(stdout, /triplet-augment\/arcface: \d+ of 30 fits kept a trained head/);
  });

  test('the report opens offline in a headless browser with its images and chart', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (apt-get install -y chromium)` }, async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const external: string[] = [];
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        external.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
      const images = await page.$$eval('img', (els) => els.map((e) => ({ src: e.getAttribute('src')?.slice(0, 11) ?? '', w: (e as unknown as { naturalWidth: number }).naturalWidth, done: (e as unknown as { complete: boolean }).complete })));
      const misses = result.rows.reduce((n, r) => n + r.misses.length, 0);
      if (misses > 0) assert.ok(images.length > 0, 'misidentified faces are shown');
      for (const img of images) {
        assert.equal(img.src, 'data:image/');
        assert.ok(img.done && img.w > 0, 'image decoded');
      }
      const charts = await page.$$eval('svg.hist', (els) => els.map((e) => ({ bars: e.querySelectorAll('rect.gen, rect.imp').length, marker: e.querySelectorAll('line[stroke-dasharray]').length })));
      assert.equal(charts.length, result.rows.length, 'one open-set histogram per row');
      for (const c of charts) {
        assert.ok(c.bars > 2);
        assert.ok(c.marker >= 1, 'threshold marked');
      }
      const text = await page.textContent('body');
      assert.match(text ?? '', /triplet-augment/);
      assert.deepEqual(external, [], 'nothing fetched from outside the page');
      await mkdir(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'test-artifacts', 'triplet-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  test('kiosk train on the data set prints its time and its decision; the active slot follows the decision', async () => {
    const dir = await dataDir(work, 'train');
    const r = await runCli(['--data-dir', dir, 'train', '--dataset', ds.dir ?? '', '--json'], { timeoutMs: 900_000 });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as TrainSummary;
    assert.equal(s.people.length, 5);
    assert.equal(s.photos, result.detected);
    assert.ok(Number.isFinite(s.trainSeconds) && s.trainSeconds > 0);
    assert.equal(s.folds, 5, 'each person held out once as a stranger');
    assert.ok(s.validation.pretrained?.openSet && s.validation.head?.openSet);
    assert.match(s.decision.reason, s.decision.activate ? /^activated: / : /^not activated: /);
    assert.equal(existsSync(join(dir, 'models', 'triplet-head', 'model.json')), true, 'the trained head is kept either way');
    assert.equal(existsSync(join(dir, 'models', 'triplet-head-active')), s.decision.activate);
    if (!s.decision.activate) assert.equal(s.bestEpoch, 0, 'a refused head is the identity');

    const text = await runCli(['--data-dir', dir, 'train', '--dataset', ds.dir ?? ''], { timeoutMs: 900_000 });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^training time: \d+\.\d s/m);
    assert.match(text.stdout, /^decision: (not )?activated: /m);
    assert.match(text.stdout, /held-out faces \(head vs pretrained\): rank-1: /);
  });

  test('kiosk train without --dataset trains on the enrolled gallery', async () => {
    const dir = await dataDir(work, 'gallery');
    // Enrol straight from the cached embeddings (the same vectors `kiosk enroll` would store).
    const cache = JSON.parse(await readFile(join(CACHE, 'eval-embeddings.json'), 'utf8')) as { entries: Record<string, { faces: number; descriptors: { arcface?: string } }> };
    const f32 = (b64: string): Float32Array => {
      const b = Buffer.from(b64, 'base64');
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    };
    const store = openStore({ dataDir: dir });
    try {
      let enrolled = 0;
      for (const person of (await readdir(ds.dir ?? '')).sort()) {
        const { person: p } = store.people.upsert({ name: person });
        for (const file of (await readdir(join(ds.dir ?? '', person))).sort()) {
          const sha = createHash('sha256').update(await readFile(join(ds.dir ?? '', person, file))).digest('hex');
          const e = cache.entries[sha];
          if (!e || e.faces === 0 || !e.descriptors.arcface) continue;
          store.people.addSamples(p.id, [{ descriptor: f32(e.descriptors.arcface), kind: 'arcface', modelVersion: 'cached', quality: 1, sourceKey: `sha256:${sha}` }]);
          enrolled++;
        }
      }
      assert.equal(enrolled, result.detected);
    } finally {
      store.close();
    }
    const r = await runCli(['--data-dir', dir, 'train', '--json'], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as TrainSummary;
    assert.equal(s.source, 'gallery');
    assert.equal(s.people.length, 5);
    assert.equal(s.descriptor.version, 'cached');
    assert.match(s.decision.reason, /activated/);
    const refused = await runCli(['--data-dir', dir, 'train', '--augment', '2'], { timeoutMs: 60_000 });
    assert.equal(refused.code, 2, 'augmenting needs photos');
    assert.match(refused.stderr, /--augment needs --dataset/);
  });
});
