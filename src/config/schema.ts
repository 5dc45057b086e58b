/**
 * The one configuration schema: each stage owns its slice (`src/<stage>/options.ts`) and reads
 * only that slice; this file composes them. Every key has a default and a description, so
 * `config/default.json` may stay empty and README's table is generated from here.
 */
import { z } from 'zod';
import { modelOptionsSchema } from '../model/options.ts';
import { storeOptionsSchema } from '../store/options.ts';
import { captureOptionsSchema } from '../capture/options.ts';
import { voteOptionsSchema } from '../vote/options.ts';
import { retrainOptionsSchema, tripletOptionsSchema } from '../model/triplet/options.ts';
import { reportOptionsSchema } from '../cli/report/options.ts';
import { pipelineOptionsSchema } from '../cli/pipeline/options.ts';
import { enrollmentOptionsSchema } from '../cli/pipeline/enrollment-options.ts';
import { opsOptionsSchema } from '../ops/options.ts';
import { serverOptionsSchema } from '../server/options.ts';
import { hubOptionsSchema } from '../hub/options.ts';
import { syncOptionsSchema } from '../sync/options.ts';

export const configSchema = z.object({
  dataDir: z.string().min(1).default('./data').describe('Folder for the database, models and caches (created if missing); the CLI\'s --data-dir overrides it'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level (logs go to stderr)'),
  model: modelOptionsSchema.prefault({}),
  capture: captureOptionsSchema.prefault({}),
  vote: voteOptionsSchema.prefault({}),
  pipeline: pipelineOptionsSchema.prefault({}),
  enrollment: enrollmentOptionsSchema.prefault({}),
  triplet: tripletOptionsSchema.prefault({}),
  retrain: retrainOptionsSchema.prefault({}),
  report: reportOptionsSchema.prefault({}),
  store: storeOptionsSchema.omit({ dataDir: true }).prefault({}),
  server: serverOptionsSchema.prefault({}),
  ops: opsOptionsSchema.prefault({}),
  sync: syncOptionsSchema.prefault({}),
  hub: hubOptionsSchema.prefault({}),
}).strict();

export type Config = z.infer<typeof configSchema>;
