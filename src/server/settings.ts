/**
 * Recognition tunables the admin may change while the kiosk runs. Ranges come from the stages'
 * own option schemas, so the admin pages cannot store a value the pipeline would reject. Only
 * values that differ from the configured base are stored; `onChange` lets the lead apply them live.
 */
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { matcherOptionsSchema } from '../model/options.ts';
import type { AdminRepo } from '../store/admin-repo.ts';
import { storeOptionsSchema } from '../store/options.ts';
import { ballotOptionsSchema, voterOptionsSchema } from '../vote/options.ts';
import type { RuntimeSettingsDto } from './protocol.ts';

const SETTING_KEY = 'runtime';

export const runtimeSettingsSchema = z
  .object({
    matchThreshold: matcherOptionsSchema.shape.threshold.unwrap().describe('Open-set similarity threshold of the matcher (model.matcher.threshold).'),
    minShare: ballotOptionsSchema.shape.minShare.unwrap().describe('Share of a track\'s votes the winner needs (vote.ballot.minShare).'),
    minMeanSimilarity: ballotOptionsSchema.shape.minMeanSimilarity.unwrap().describe('Mean similarity the winner\'s votes need (vote.ballot.minMeanSimilarity).'),
    antispoofMin: ballotOptionsSchema.shape.antispoofMin.unwrap().describe('Antispoof score below which a frame fails (vote.ballot.antispoofMin).'),
    livenessMin: ballotOptionsSchema.shape.livenessMin.unwrap().describe('Liveness score below which a frame fails (vote.ballot.livenessMin).'),
    windowMs: voterOptionsSchema.shape.windowMs.unwrap().describe('Vote window per track in ms (vote.voter.windowMs).'),
    cooldownMs: storeOptionsSchema.shape.cooldownMs.unwrap().describe('No second punch for a person within this many ms (store.cooldownMs).'),
  })
  .strict();

export type RuntimeSettings = z.infer<typeof runtimeSettingsSchema>;

// Compile-time check that the wire type and the validator agree.
const _sameShape: RuntimeSettingsDto = {} as RuntimeSettings;
void _sameShape;

export const defaultRuntimeSettings: RuntimeSettings = {
  matchThreshold: matcherOptionsSchema.shape.threshold.parse(undefined),
  minShare: ballotOptionsSchema.shape.minShare.parse(undefined),
  minMeanSimilarity: ballotOptionsSchema.shape.minMeanSimilarity.parse(undefined),
  antispoofMin: ballotOptionsSchema.shape.antispoofMin.parse(undefined),
  livenessMin: ballotOptionsSchema.shape.livenessMin.parse(undefined),
  windowMs: voterOptionsSchema.shape.windowMs.parse(undefined),
  cooldownMs: storeOptionsSchema.shape.cooldownMs.parse(undefined),
};

export interface SettingsDeps {
  /** The values from the config file; stored overrides apply on top. */
  base?: RuntimeSettings;
  /** Called after an admin saved new settings (with the full effective set). */
  onChange?: (settings: RuntimeSettings) => void;
}

export interface CurrentSettings {
  settings: RuntimeSettings;
  updatedAt: number | null;
  updatedBy: string | null;
}

export class SettingsService {
  private readonly base: RuntimeSettings;

  constructor(
    private readonly repo: AdminRepo,
    private readonly deps: SettingsDeps,
    private readonly logger: Logger,
  ) {
    this.base = deps.base ?? defaultRuntimeSettings;
  }

  get defaults(): RuntimeSettings {
    return { ...this.base };
  }

  /** Effective settings: base plus stored overrides. A stored value that no longer validates is ignored (and logged). */
  current(): CurrentSettings {
    const stored = this.repo.getSetting(SETTING_KEY);
    if (stored === null) return { settings: { ...this.base }, updatedAt: null, updatedBy: null };
    const parsed = runtimeSettingsSchema.partial().safeParse(stored.value);
    if (!parsed.success) {
      this.logger.warn({ issues: parsed.error.issues }, 'stored runtime settings are invalid; using the configured ones');
      return { settings: { ...this.base }, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
    }
    const overrides = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    return { settings: { ...this.base, ...overrides }, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
  }

  update(next: RuntimeSettings, actor: string): RuntimeSettings {
    const overrides: Partial<RuntimeSettings> = {};
    for (const key of Object.keys(next) as (keyof RuntimeSettings)[]) {
      if (next[key] !== this.base[key]) overrides[key] = next[key];
    }
    this.repo.setSetting(SETTING_KEY, overrides, actor);
    const effective = { ...this.base, ...overrides };
    try {
      this.deps.onChange?.(effective);
    } catch (err) {
      // The settings are saved; failing to apply them live must not turn the save into an error page.
      this.logger.error({ err }, 'applying new settings failed; they take effect on restart');
    }
    return effective;
  }
}
