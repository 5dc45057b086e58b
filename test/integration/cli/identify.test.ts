/**
 * The recognition commands on real photos from the tutorial's set, run as a user runs them:
 * enroll four people, then identify, annotate and feed bad input. Engine start-up dominates,
 * so each command runs once with several files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, copyFile, rm, writeFile, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { datasetOrSkip } from '../../helpers/dataset.ts';
import { runCli, STACK_LINE } from '../../helpers/cli.ts';
import type { IdentifyImageJson } from '../../../src/cli/identify.ts';

const ds = datasetOrSkip();
const ENROLLED = ['baejun', 'chipu', 'khanh', 'sontung'];
const STRANGER = 'thaotam';

describe('kiosk enroll / identify / annotate on real photos', { skip: ds.skip }, () => {
  let work = '';
  let dataDir = '';
  let enrollDir = '';
  const dataset = ds.dir ?? '';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kiosk-cli-'));
    dataDir = join(work, 'data');
    enrollDir = join(work, 'people');
    // The first 8 photos of each enrolled person; the rest stay unseen for identification.
    for (const p of ENROLLED) {
      await mkdir(join(enrollDir, p), { recursive: true });
      const files = (await readdir(join(dataset, p))).sort().slice(0, 8);
      for (const f of files) await copyFile(join(dataset, p, f), join(enrollDir, p, f));
    }
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('enroll adds every person once; re-running adds nothing', async () => {
    const first = await runCli(['--data-dir', dataDir, 'enroll', enrollDir, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const s1 = JSON.parse(first.stdout) as { people: { name: string; added: number; skipped: number }[]; noFace: string[] };
    assert.deepEqual(s1.people.map((p) => p.name).sort(), ENROLLED);
    const added = s1.people.reduce((n, p) => n + p.added, 0);
    assert.equal(added + s1.noFace.length, 32);
    const again = await runCli(['--data-dir', dataDir, 'enroll', enrollDir, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const s2 = JSON.parse(again.stdout) as { people: { added: number; skipped: number }[] };
    assert.equal(s2.people.reduce((n, p) => n + p.added, 0), 0);
    assert.equal(s2.people.reduce((n, p) => n + p.skipped, 0), added);
  });

  test('identify names enrolled people, calls a stranger unknown, and reports every face', async () => {
    const unseen = (p: string, i: number): string => join(dataset, p, `${String(i).padStart(3, '0')}.jpg`);
    const files = [unseen('khanh', 10), unseen('baejun', 12), unseen(STRANGER, 10), unseen(STRANGER, 11), join(dataset, 'khanh', '001.jpg')];
    const r = await runCli(['--data-dir', dataDir, 'identify', '--json', ...files]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as IdentifyImageJson[];
    assert.equal(out.length, files.length);
    const main = (o: IdentifyImageJson): IdentifyImageJson['faces'][number] => o.faces.reduce((a, b) => (b.box.width > a.box.width ? b : a));
    // An enrolled person is ranked first and named, or called unknown below the threshold: never someone else.
    for (const [o, who] of [[out[0]!, 'khanh'], [out[1]!, 'baejun']] as const) {
      assert.equal(main(o).candidates[0]?.name, who, `${o.file}: best candidate`);
      assert.ok(['unknown', who].includes(main(o).person), `${o.file} named ${main(o).person}`);
    }
    assert.equal(main(out[0]!).person, 'khanh', 'a clear photo of an enrolled person is named');
    for (const s of [out[2]!, out[3]!]) for (const f of s.faces) assert.equal(f.person, 'unknown', `stranger ${s.file} came out as ${f.person} (${f.similarity})`);
    const group = out[4]!;
    assert.ok(group.faces.length >= 2, 'khanh/001.jpg shows two faces');
    for (const f of group.faces) {
      assert.ok(f.antispoof !== null && f.antispoof >= 0 && f.antispoof <= 1);
      assert.ok(f.liveness !== null && f.liveness >= 0 && f.liveness <= 1);
      assert.ok(f.box.x >= 0 && f.box.y >= 0 && f.box.x + f.box.width <= group.width + 2);
      assert.ok(!('descriptor' in f), 'descriptors never leave the engine');
    }
  });

  test('bad files: one line each, non-zero exit, no stack trace; a photo without a face says so', async () => {
    const text = join(work, 'notes.jpg');
    const empty = join(work, 'empty.jpg');
    const truncated = join(work, 'truncated.jpg');
    const blank = join(work, 'blank.png');
    await writeFile(text, 'this is not an image\n');
    await writeFile(empty, '');
    const photo = await readFile(join(dataset, 'khanh', '010.jpg'));
    await writeFile(truncated, photo.subarray(0, 600));
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8899aa' } }).png().toFile(blank);
    const r = await runCli(['--data-dir', dataDir, 'identify', text, empty, truncated, blank, join(work, 'missing.jpg')]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout + r.stderr, STACK_LINE);
    const lines = r.stdout.trim().split('\n');
    const lineFor = (f: string): string => lines.find((l) => l.startsWith(f)) ?? '';
    assert.match(lineFor(text), /not a readable image/);
    assert.match(lineFor(empty), /empty \(0 bytes\)/);
    assert.match(lineFor(truncated), /error: .*(could not be decoded|not a readable image)/);
    assert.match(lineFor(blank), /no face found/);
    assert.match(lineFor(join(work, 'missing.jpg')), /cannot open image/);
  });

  test('annotate draws boxes and labels onto a same-size copy', async () => {
    const input = join(dataset, 'khanh', '001.jpg');
    const output = join(work, 'out', 'annotated.jpg');
    const r = await runCli(['--data-dir', dataDir, 'annotate', input, '-o', output]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 faces/);
    const [a, b] = await Promise.all([sharp(input).metadata(), sharp(output).metadata()]);
    assert.equal(b.format, 'jpeg');
    assert.equal(b.width, a.width);
    assert.equal(b.height, a.height);
    // The green (known) box colour must appear where the original has none.
    const px = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    let green = 0;
    for (let i = 0; i < px.data.length; i += px.info.channels) if (px.data[i + 1]! > 130 && px.data[i]! < 60 && px.data[i + 2]! < 100) green++;
    assert.ok(green > 200, `expected box pixels, found ${green}`);
    const bad = await runCli(['--data-dir', dataDir, 'annotate', input, '-o', join(work, 'out.gif')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /must end in \.jpg, \.png or \.webp/);
  });

  test('a 12000×12000 photo is downscaled and identified within 1 GB', async () => {
    const big = join(work, 'big.jpg');
    const face = await sharp(join(dataset, 'khanh', '010.jpg')).resize(4000).toBuffer();
    await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#707070' } })
      .composite([{ input: face, left: 4000, top: 3000 }]).jpeg({ quality: 80 }).toFile(big);
    const r = await runCli(['--data-dir', dataDir, 'identify', '--json', big], { trackRss: true });
    assert.equal(r.code, 0, r.stderr);
    const [res] = JSON.parse(r.stdout) as IdentifyImageJson[];
    assert.equal(res!.width, 12000);
    assert.equal(res!.faces.length, 1);
    assert.equal(res!.faces[0]!.person, 'khanh');
    assert.ok(res!.faces[0]!.box.x >= 4000 && res!.faces[0]!.box.x < 8000, 'box in original pixels');
    assert.ok(r.maxRssKb > 0 && r.maxRssKb < 1024 * 1024, `max RSS ${r.maxRssKb} kB`);
  });
});
