/** Config slice of a kiosk's link to a hub (`sync`); inert until the kiosk is joined with `kiosk hub-join`. */
import { z } from 'zod';

export const syncOptionsSchema = z
  .object({
    hubUrl: z
      .string()
      .url()
      .optional()
      .describe('Hub address to use instead of the one given at `kiosk hub-join` (e.g. after the hub moved behind a load balancer). Unset: the joined address.'),
    intervalMs: z.number().int().min(100).default(5_000).describe('How often a joined kiosk pushes its outbox and pulls gallery changes when all is well.'),
    batchSize: z.number().int().min(1).max(10_000).default(200).describe('Most outbox records sent in one push.'),
    pullLimit: z.number().int().min(1).max(10_000).default(100).describe('Most people asked for in one gallery pull.'),
    requestTimeoutMs: z.number().int().min(500).default(20_000).describe('A push or pull that has not answered in this long is abandoned and retried.'),
    backoffBaseMs: z.number().int().min(10).default(1_000).describe('Wait after the first failed exchange with the hub; each further failure doubles it (with jitter).'),
    backoffMaxMs: z.number().int().min(10).default(60_000).describe('Longest wait between attempts while the hub is unreachable.'),
    clockSkewSeconds: z.number().int().min(1).max(86_400).default(120).describe('The kiosk reports "clock not synchronised" when its clock differs from the hub\'s by more than this (or the hub was not reached since boot).'),
  })
  .strict();

export type SyncOptions = z.infer<typeof syncOptionsSchema>;

export const defaultSyncOptions: SyncOptions = syncOptionsSchema.parse({});
