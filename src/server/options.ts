/** Config slice of the kiosk server (HTTP + socket.io + admin pages); the lead composes it into the global config. */
import { z } from 'zod';
import { isTimeZone, systemTimeZone } from '../store/options.ts';
import { isPasswordHash } from './auth/password.ts';

export const serverOptionsSchema = z
  .object({
    host: z.string().min(1).default('0.0.0.0').describe('Interface the HTTP server listens on (127.0.0.1 keeps the admin pages off the network).'),
    port: z.number().int().min(0).max(65_535).default(8080).describe('TCP port of the kiosk screen, admin pages and socket.io (0 = any free port).'),
    uiDir: z
      .string()
      .min(1)
      .optional()
      .describe('Folder holding the built kiosk UI (index.html, admin.html, assets/); default kiosk-ui/dist of this checkout.'),
    bodyLimitBytes: z.number().int().positive().default(64 * 1024).describe('Largest HTTP request body accepted; bigger ones are refused with 413.'),
    previewMaxFps: z.number().positive().max(60).default(10).describe('Most preview frames per second pushed to each kiosk screen; frames above the cap are dropped and counted.'),
    previewMaxBytes: z.number().int().positive().default(512 * 1024).describe('Preview JPEGs larger than this are not sent (counted as dropped).'),
    socketMaxMessageBytes: z
      .number()
      .int()
      .positive()
      .default(8 * 1024)
      .describe('Largest socket.io message a client may send (JSON size); bigger ones are rejected and counted.'),
    adminSessionIdleMs: z
      .number()
      .int()
      .positive()
      .default(30 * 60_000)
      .describe('An admin session unused for this long expires (each request renews it).'),
    adminSessionMaxMs: z
      .number()
      .int()
      .positive()
      .default(12 * 3_600_000)
      .describe('An admin session expires this long after login however busy it is.'),
    cookieSecure: z.boolean().default(false).describe('Mark the session cookie Secure (set when the admin pages are served over HTTPS).'),
    menuUnlockMs: z
      .number()
      .int()
      .positive()
      .default(120_000)
      .describe('The kiosk menu locks again after this long without a menu action once the PIN was entered.'),
    pinMaxFailures: z.number().int().positive().default(5).describe('Wrong kiosk PINs allowed per client address within pinWindowMs before the menu refuses.'),
    pinGlobalMaxFailures: z
      .number()
      .int()
      .positive()
      .default(20)
      .describe('Wrong kiosk PINs allowed from all clients together within pinWindowMs (stops guessing from many addresses).'),
    pinWindowMs: z.number().int().positive().default(5 * 60_000).describe('Window over which wrong PINs are counted; the count resets when it ends.'),
    loginMaxFailures: z.number().int().positive().default(5).describe('Failed admin logins allowed per client address, and per user name, within loginWindowMs.'),
    loginWindowMs: z.number().int().positive().default(15 * 60_000).describe('Window over which failed admin logins are counted.'),
    passwordMinLength: z.number().int().min(8).default(10).describe('Shortest admin password accepted at setup.'),
    scryptLogN: z
      .number()
      .int()
      .min(10)
      .max(20)
      .default(15)
      .describe('scrypt cost log2(N) for new password and PIN hashes (15 ≈ 32 MiB, ~0.1 s on a Jetson); stored hashes keep their own cost.'),
    kioskPinHash: z
      .string()
      .refine(isPasswordHash, { message: 'not a scrypt hash (scrypt$logN$r$p$salt$hash, see hashSecret)' })
      .optional()
      .describe('scrypt hash of the kiosk menu PIN. When unset, the PIN chosen at first-run setup (admin pages) is used.'),
    language: z.enum(['vi', 'en']).default('vi').describe('Language of the kiosk screen (admin pages can switch).'),
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'not an IANA time zone (e.g. "Asia/Ho_Chi_Minh")' })
      .default(systemTimeZone)
      .describe('IANA time zone in which the screen and admin pages show times and split days.'),
    sound: z.boolean().default(true).describe('Play a short confirmation / refusal beep on the kiosk screen.'),
    greetingMs: z.number().int().min(1000).max(30_000).default(4_000).describe('How long a greeting or refusal stays on the kiosk screen.'),
    snapshotsEnabled: z
      .boolean()
      .default(false)
      .describe('Show enrollment thumbnails in the admin people list (only if the pipeline keeps snapshots; off by default for privacy).'),
    pageSizeDefault: z.number().int().positive().default(50).describe('Rows per page in the admin attendance log when none is asked for.'),
    pageSizeMax: z.number().int().positive().default(500).describe('Most rows per page the admin API returns.'),
    exportMaxRows: z.number().int().positive().default(200_000).describe('Most punches one CSV export contains (narrow the date range beyond that).'),
    maxRangeDays: z.number().int().positive().default(366).describe('Longest date range (days) an admin query or export may cover.'),
  })
  .strict();

export type ServerOptions = z.infer<typeof serverOptionsSchema>;

export const defaultServerOptions: ServerOptions = serverOptionsSchema.parse({});
