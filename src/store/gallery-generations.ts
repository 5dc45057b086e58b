/**
 * Which descriptor kind and model version the kiosk matches against. The newest row is active;
 * switching writes a row and an audit entry in one transaction, and only when every stored crop
 * of an active person has a descriptor of the new version (nobody is lost by the switch).
 */
import { KioskError } from '../errors.ts';
import { AuditRepo } from './audit-repo.ts';
import type { Db } from './db.ts';
import type { FaceCropsRepo } from './face-crops-repo.ts';
import type { StoreOptions } from './options.ts';

export interface GalleryGeneration {
  kind: string;
  modelVersion: string;
  /** The descriptor options that produced it (JSON), so the kiosk can run that model again. */
  options: string;
  activatedAt: number;
  actor: string;
}

export class GalleryGenerations {
  readonly #stmt;
  readonly #audit: AuditRepo;

  constructor(private readonly db: Db, private readonly crops: FaceCropsRepo, options: StoreOptions) {
    this.#audit = new AuditRepo(db, options);
    this.#stmt = {
      active: db.prepare<[], GalleryGeneration>(
        'SELECT descriptor_kind AS kind, model_version AS modelVersion, options, activated_at AS activatedAt, actor FROM gallery_generations ORDER BY id DESC LIMIT 1',
      ),
      insert: db.prepare<[string, string, string, number, string]>(
        'INSERT INTO gallery_generations (descriptor_kind, model_version, options, activated_at, actor) VALUES (?, ?, ?, ?, ?)',
      ),
      largestGroup: db.prepare<{ kind: string | null; modelVersion: string | null }, { kind: string; modelVersion: string }>(
        `SELECT descriptor_kind AS kind, model_version AS modelVersion FROM face_samples
         WHERE NOT (descriptor_kind IS @kind AND model_version IS @modelVersion)
         GROUP BY descriptor_kind, model_version ORDER BY count(DISTINCT person_id) DESC, min(created_at) LIMIT 1`,
      ),
    };
  }

  /**
   * The active generation; for a database from before generations existed, the kind and version
   * most people have samples of (options then unknown: ''), and null when nobody is enrolled.
   */
  active(excluding?: { kind: string; modelVersion: string }): GalleryGeneration | null {
    const row = this.#stmt.active.get();
    if (row) return row;
    const g = this.#stmt.largestGroup.get({ kind: excluding?.kind ?? null, modelVersion: excluding?.modelVersion ?? null });
    return g ? { ...g, options: '', activatedAt: 0, actor: '' } : null;
  }

  /**
   * Enrolling into a gallery that has no recorded generation yet: records this descriptor as active
   * when nothing else is enrolled, so later upgrades know what the gallery was made with.
   */
  adoptIfFirst(kind: string, modelVersion: string, options: string, now: number, actor: string): void {
    if (this.#stmt.active.get() !== undefined) return;
    const inferred = this.active();
    if (inferred === null || (inferred.kind === kind && inferred.modelVersion === modelVersion)) this.adopt(kind, modelVersion, options, now, actor);
  }

  /** Records the configured descriptor as active without checks (first run, or an empty gallery). */
  adopt(kind: string, modelVersion: string, options: string, now: number, actor: string): void {
    this.#stmt.insert.run(kind, modelVersion, options, now, actor);
  }

  /** Switches matching to a re-embedded set, atomically and audited; refuses while crops lack it. */
  activate(kind: string, modelVersion: string, options: string, now: number, actor: string): void {
    this.db.transaction(() => {
      const missing = this.crops.missing(kind, modelVersion);
      if (missing.length > 0) {
        throw new KioskError('STORE_FAILED', `${missing.length} enrollment photos have no ${kind} descriptor yet`, { hint: 'run `kiosk reembed` to finish the set', context: { missing: missing.length } });
      }
      // Before any switch the old set is inferred from the samples: not from the set being switched in.
      const previous = this.active({ kind, modelVersion });
      this.#stmt.insert.run(kind, modelVersion, options, now, actor);
      this.#audit.write({ ts: now, actor, action: 'gallery.activate', target: `descriptor:${kind}`, details: { modelVersion, previousKind: previous?.kind ?? null, previousVersion: previous?.modelVersion ?? null } });
    }).immediate();
  }
}
