/**
 * Files that hold people's data are the kiosk user's alone, whatever the umask the process was
 * started with: the database with its -wal/-shm, the decision journal, backups, and the trained-head
 * folders (whose metadata names the people they were trained on).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/model/tfjs.ts';
import { TripletHead } from '../../../src/model/triplet/head.ts';
import { saveHead } from '../../../src/model/triplet/persist.ts';
import type { TripletHeadMetadata } from '../../../src/model/triplet/train.ts';
import { defaultTripletOptions } from '../../../src/model/triplet/options.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';
import { takeBackup } from '../../../src/ops/backup.ts';
import { openRecorder, openStore } from '../../../src/store/store.ts';
import { journalPathFor } from '../../../src/store/punch-journal.ts';
import { CliContext } from '../../../src/cli/context.ts';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

function metadata(head: TripletHead): TripletHeadMetadata {
  return {
    createdAt: '2024-01-02T03:04:05.000Z', descriptorKind: 'faceres', modelVersion: 'v1', head: head.config,
    people: [{ label: 0, name: 'Tâm', samples: 3, trainSamples: 2, validationSamples: 1 }],
    samples: { total: 3, train: 2, validation: 1 }, epochsRun: 1, bestEpoch: 1, stopReason: 'maxEpochs', lossCurve: [0.5],
    validationCurve: [null], validation: { monitor: 'dprime', baseline: null, best: null }, options: defaultTripletOptions,
  };
}

/** Every file and folder under `dir` (symlinks skipped: their mode is not used). */
function walk(dir: string): { files: string[]; dirs: string[] } {
  const out = { files: [] as string[], dirs: [dir] };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = walk(p);
      out.files.push(...sub.files);
      out.dirs.push(...sub.dirs);
    } else if (e.isFile()) out.files.push(p);
  }
  return out;
}

describe('file modes', () => {
  before(async () => {
    await initBackend('wasm');
  });
  const saved = process.umask();
  after(() => {
    process.umask(saved);
  });

  for (const umask of [0o000, 0o022]) {
    test(`with umask ${umask.toString(8).padStart(3, '0')}: database, WAL, journal, backups and model folders are 0600 / 0700`, async (t) => {
      const root = mkdtempSync(join(tmpdir(), 'kiosk-modes-'));
      t.after(() => rmSync(root, { recursive: true, force: true }));
      process.umask(umask);
      try {
        const dataDir = join(root, 'data');
        const ctx = new CliContext({ dataDir, logLevel: 'silent' });
        const store = ctx.store();
        const db = join(dataDir, 'kiosk.db');
        const id = store.people.upsert({ name: 'Tâm' }).person.id;
        store.attendance.record({ personId: id, ts: 1_700_000_000_000, kioskId: 'k', similarity: 0.9, evidence: {} }, 0);
        assert.equal(mode(dataDir), '700', 'the data directory the kiosk created');
        for (const f of [db, `${db}-wal`, `${db}-shm`]) assert.equal(mode(f), '600', f);

        const recorder = openRecorder(store, { journalRetryMs: 1_000 });
        store.db.pragma('query_only = ON');
        recorder.recordSighting('unknown', 1_700_000_000_001, 'k', {});
        assert.equal(mode(journalPathFor(db)), '600');
        store.db.pragma('query_only = OFF');

        const run = await takeBackup(store.db, join(dataDir, 'backups'), 3, 1_700_000_000_000);
        assert.equal(mode(join(dataDir, 'backups')), '700');
        assert.equal(mode(run.backup.path), '600');
        ctx.close();

        const models = join(dataDir, 'models');
        const head = TripletHead.create({ inputDim: 8, hiddenDim: 4, activation: 'relu' }, mulberry32(1));
        try {
          await saveHead(join(models, 'triplet-head'), head, metadata(head));
          await saveHead(join(models, 'triplet-head'), head, metadata(head));
        } finally {
          head.dispose();
        }
        const tree = walk(models);
        assert.ok(tree.files.length >= 6, 'two versions of three files');
        for (const d of tree.dirs) assert.equal(mode(d), '700', d);
        for (const f of tree.files) assert.equal(mode(f), '600', f);

        // A database made world-readable by an older version is tightened when opened.
        chmodSync(db, 0o644);
        const reopened = openStore({ dataDir });
        reopened.close();
        assert.equal(mode(db), '600');
        assert.ok(existsSync(db));
      } finally {
        process.umask(saved);
      }
    });
  }
});
