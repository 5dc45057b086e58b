/** Config slice for the local SQLite store; the lead composes it into the global config. */
import { z } from 'zod';

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The machine's zone: a kiosk reports in the local time its staff read on the wall clock. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export const storeOptionsSchema = z.object({
  dataDir: z.string().min(1).default('./data').describe('Folder holding the database (created if missing).'),
  dbFile: z.string().min(1).default('kiosk.db').describe('Database file name inside dataDir, or ":memory:" for a throwaway store.'),
  cooldownMs: z
    .number()
    .int()
    .nonnegative()
    .default(300_000)
    .describe('A person recognised again within this many ms of a logged punch is not logged twice.'),
  kioskId: z.string().min(1).default('kiosk-1').describe('Identifies this kiosk in punches, sightings and manual entries.'),
  busyTimeoutMs: z
    .number()
    .int()
    .nonnegative()
    .default(5_000)
    .describe('How long a write waits for another connection (e.g. an admin CLI) to release the lock.'),
  journalRetryMs: z
    .number()
    .int()
    .min(100)
    .default(5_000)
    .describe('While the database refuses writes (decisions then go to the fsync\'d journal beside it), how often it is tried again; the journal is replayed into it as soon as a write succeeds.'),
  listDefaultLimit: z.number().int().positive().default(100).describe('Rows returned by a list query when no limit is given.'),
  listMaxLimit: z.number().int().positive().default(1_000).describe('Upper bound on rows a single list query may return.'),
  collationLocale: z.string().min(1).default('vi').describe('Locale used to sort people by name (Intl.Collator).'),
  reportTimeZone: z
    .string()
    .refine(isTimeZone, { message: 'not an IANA time zone (e.g. "Asia/Ho_Chi_Minh")' })
    .default(systemTimeZone)
    .describe('IANA time zone whose midnights split the daily attendance report.'),
  encryptDescriptors: z
    .boolean()
    .default(true)
    .describe('Encrypt face descriptors at rest (AES-256-GCM) with the key in keyFile, so the database alone reveals no biometric data.'),
  keyFile: z
    .string()
    .min(1)
    .default('descriptor.key')
    .describe('Descriptor key file (relative to dataDir unless absolute), created with mode 0600 on first run; back it up apart from the database.'),
  evidencePhotos: z
    .boolean()
    .default(true)
    .describe('Keep the 112×112 aligned face crop of each punch and unknown/spoof sighting for the admin log (sealed like descriptors; expires with its row; erased with the person).'),
});

export type StoreOptions = z.infer<typeof storeOptionsSchema>;

export const defaultStoreOptions: StoreOptions = storeOptionsSchema.parse({});
