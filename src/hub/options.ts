/** Config slice of `kiosk hub` (the central server on PostgreSQL); composed into the global config as `hub`. */
import { z } from 'zod';
import { serverOptionsSchema, tlsOptionsSchema } from '../server/options.ts';

// The hub's admin pages behave as the kiosk's: the same settings, with the same defaults and checks.
const admin = serverOptionsSchema.shape;

export const hubOptionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address the hub binds to. 127.0.0.1 (default): only this machine (a reverse proxy or load balancer in front). Beyond loopback it always speaks HTTPS.'),
    port: z.number().int().min(0).max(65_535).default(8090).describe('TCP port of the hub (kiosk sync, /healthz, /metrics).'),
    tls: tlsOptionsSchema.prefault({}).describe('HTTPS of the hub: always on beyond loopback; a self-signed certificate is made in <dataDir>/tls unless certFile/keyFile are set.'),
    allowedHosts: z.array(z.string().min(1).max(253)).default([]).describe('Extra host names the hub\'s self-signed certificate is made for (e.g. the load balancer\'s name).'),
    postgresUrl: z
      .string()
      .min(1)
      .default('postgres://kiosk_hub@127.0.0.1:5432/kiosk_hub')
      .describe('PostgreSQL connection URL (libpq style). Put the password in ~/.pgpass or PGPASSWORD rather than here. Every hub process behind a load balancer uses the same database.'),
    poolSize: z.number().int().min(1).max(200).default(10).describe('Most PostgreSQL connections one hub process holds.'),
    connectTimeoutMs: z.number().int().positive().default(5_000).describe('Give up opening a PostgreSQL connection after this long (health then reports 503).'),
    siteKeyFile: z
      .string()
      .min(1)
      .default('site.key')
      .describe('Site descriptor key (relative to dataDir unless absolute): seals face samples and crops between kiosks and in PostgreSQL; handed to each kiosk at pairing over TLS. Every hub process must have the same file; back it up apart from the database.'),
    clockSkewSeconds: z.number().int().min(1).max(86_400).default(120).describe('A kiosk whose clock differs from the hub\'s by more than this is flagged, and so are its punches whose time cannot be confirmed within it.'),
    pairingCodeMs: z.number().int().min(60_000).default(24 * 3_600_000).describe('How long a kiosk pairing code made on the hub stays valid (single use).'),
    pushMaxRecords: z.number().int().min(1).max(10_000).default(1_000).describe('Most records a kiosk may push in one request (it is told to use smaller batches beyond that).'),
    pullMaxPeople: z.number().int().min(1).max(10_000).default(200).describe('Most people (with their samples) one gallery pull returns; the kiosk asks again for the rest.'),
    bodyLimitBytes: z.number().int().positive().default(16 * 1024 * 1024).describe('Largest request body (a push batch with enrolment photos) the hub accepts.'),
    timeZone: admin.timeZone.describe('IANA time zone in which the hub\'s admin pages and CSV exports show times and split days.'),
    language: admin.language.describe('Default language of the hub\'s admin pages (each browser can switch).'),
    scryptLogN: admin.scryptLogN.describe('scrypt cost log2(N) (r = 8, p = 1) for hub admin passwords (`kiosk hub add-admin`); cheaper stored hashes are upgraded at the next login.'),
    adminSessionIdleMs: admin.adminSessionIdleMs.describe('A hub admin session unused for this long expires (each request renews it).'),
    adminSessionMaxMs: admin.adminSessionMaxMs.describe('A hub admin session expires this long after login however busy it is.'),
    cookieSecure: admin.cookieSecure.describe('Mark the hub\'s session cookie Secure even over plain HTTP (e.g. behind a TLS-terminating load balancer); always Secure when the hub serves HTTPS.'),
    loginBackoff: admin.loginBackoff.describe('Per (user name, address) back-off for failed hub admin logins.'),
    passwordMinLength: admin.passwordMinLength.describe('Shortest hub admin password accepted (`kiosk hub add-admin`, `set-password`, the admin page).'),
  })
  .strict();

export type HubOptions = z.infer<typeof hubOptionsSchema>;

export const defaultHubOptions: HubOptions = hubOptionsSchema.parse({});
