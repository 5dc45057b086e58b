/** Config slice of the kiosk server (HTTP + socket.io + admin pages); the lead composes it into the global config. */
import { z } from 'zod';
import { isTimeZone, systemTimeZone } from '../store/options.ts';
import { isPasswordHash, OWASP_SCRYPT_LOG_N } from './auth/password.ts';

const backoff = (what: string, free: number, baseMs: number, maxMs: number) =>
  z
    .object({
      freeFailures: z.number().int().min(1).max(100).default(free).describe(`Wrong ${what} a client may make before it has to wait.`),
      baseMs: z.number().int().positive().default(baseMs).describe(`Wait after the first ${what.replace(/s$/u, '')} beyond the free ones; each further failure doubles it.`),
      maxMs: z.number().int().positive().default(maxMs).describe(`Longest wait between ${what} for one client (the doubling stops here).`),
      maxKeys: z.number().int().positive().default(10_000).describe('Most clients remembered at once; the stalest are forgotten first.'),
    })
    .strict();

export const tlsOptionsSchema = z
  .object({
    certFile: z.string().min(1).optional().describe('PEM certificate for HTTPS (with keyFile). Unset: a self-signed one is made on first run in <dataDir>/tls.'),
    keyFile: z.string().min(1).optional().describe('PEM private key for HTTPS (with certFile).'),
    onLoopback: z.boolean().default(false).describe('Serve HTTPS also when bound to loopback only (beyond loopback it is always on).'),
    selfSignedDays: z.number().int().min(1).max(3650).default(825).describe('Validity of the self-signed certificate; a new one is made when it has expired.'),
  })
  .strict()
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), { message: 'set both certFile and keyFile, or neither' });

export const serverOptionsSchema = z
  .object({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the server binds to. 127.0.0.1 (default): only this device. An address beyond loopback (e.g. 0.0.0.0 or the LAN IP) serves the network, always over HTTPS.'),
    allowedHosts: z
      .array(z.string().min(1).max(253))
      .default([])
      .describe('Extra host names accepted in Host and Origin headers (e.g. "kiosk.local"); localhost, the bound addresses and the machine name are always accepted.'),
    tls: tlsOptionsSchema.prefault({}).describe('HTTPS: always on beyond loopback; see its keys.'),
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
    cookieSecure: z.boolean().default(false).describe('Mark the session cookie Secure even over plain HTTP (it is always Secure when the server itself serves HTTPS).'),
    menuUnlockMs: z
      .number()
      .int()
      .positive()
      .default(120_000)
      .describe('The kiosk menu locks again after this long without a menu action once the PIN was entered.'),
    pinBackoff: backoff('kiosk PINs', 3, 30_000, 15 * 60_000).prefault({}).describe('Per-screen back-off for wrong kiosk PINs (no shared bucket).'),
    loginBackoff: backoff('admin logins', 5, 30_000, 30 * 60_000).prefault({}).describe('Per (user name, address) back-off for failed admin logins.'),
    codeBackoff: backoff('setup or pairing codes', 5, 30_000, 30 * 60_000).prefault({}).describe('Per-address back-off for wrong setup and screen pairing codes.'),
    fallbackBackoff: backoff('fallback PINs', 3, 30_000, 15 * 60_000)
      .prefault({})
      .describe('Per employee code back-off for wrong personal PINs at the kiosk\'s "Not recognised?" fallback.'),
    fallbackPhotoMaxAgeMs: z
      .number()
      .int()
      .positive()
      .default(5_000)
      .describe('A fallback punch keeps the face in front of the camera as its photo if one was seen this recently.'),
    notMeMs: z.number().int().min(1000).max(30_000).default(8_000).describe('How long after a punch its greeting (on that face) offers "Not me", which voids it and offers the fallback; such a greeting stays at least this long while its face is the main one.'),
    pairingCodeMs: z.number().int().min(10_000).default(10 * 60_000).describe('How long a screen pairing code issued from the admin pages stays valid (single use).'),
    passwordMinLength: z.number().int().min(8).default(10).describe('Shortest admin password accepted at setup.'),
    scryptLogN: z
      .number()
      .int()
      .min(10)
      .max(20)
      .default(OWASP_SCRYPT_LOG_N)
      .describe('scrypt cost log2(N) (r = 8, p = 1) for password and PIN hashes; 17 (128 MiB) is OWASP\'s advice, lower only for tests. Cheaper stored hashes are upgraded at the next successful login or unlock.'),
    kioskPinHash: z
      .string()
      .refine(isPasswordHash, { message: 'not a scrypt hash (scrypt$logN$r$p$salt$hash, see hashSecret)' })
      .optional()
      .describe('scrypt hash of the kiosk menu PIN (6 to 12 digits). When unset, the PIN chosen at first-run setup (admin pages) is used.'),
    language: z.enum(['vi', 'en']).default('vi').describe('Language of the kiosk screen (admin pages can switch).'),
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'not an IANA time zone (e.g. "Asia/Ho_Chi_Minh")' })
      .default(systemTimeZone)
      .describe('IANA time zone in which the screen and admin pages show times and split days.'),
    sound: z.boolean().default(true).describe('Play a short confirmation / refusal beep on the kiosk screen.'),
    greetingMs: z.number().int().min(1000).max(30_000).default(4_000).describe('How long a greeting or refusal stays on the kiosk screen (it goes sooner when its face leaves or another face becomes the main one).'),
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
