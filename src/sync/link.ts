/**
 * The kiosk's link to its hub: where it is, this kiosk's credential, the site key and the hub's pinned
 * certificate. A file beside the database (mode 0600), never inside it, so a database backup holds
 * neither the credential nor the site key. Written whole or not at all.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KioskError, errorMessage } from '../errors.ts';
import { checkKeyFileMode } from '../store/crypto.ts';
import { statSync } from 'node:fs';

export const hubLinkSchema = z.object({
  hubUrl: z.string().url(),
  kioskId: z.string().min(1),
  site: z.string(),
  credential: z.string().min(32),
  siteKey: z.string().min(40),
  /** The hub's certificate as seen at join (self-signed hubs): later connections accept exactly it. */
  certPem: z.string().nullable(),
  fingerprint256: z.string().nullable(),
  joinedAt: z.number().int(),
});
export type HubLink = z.infer<typeof hubLinkSchema>;

export const LINK_FILE = 'hub-link.json';

export function linkPath(dataDir: string): string {
  return join(dataDir, LINK_FILE);
}

export function readLink(dataDir: string): HubLink | null {
  const path = linkPath(dataDir);
  if (!existsSync(path)) return null;
  try {
    checkKeyFileMode(path, statSync(path).mode);
    return hubLinkSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    if (err instanceof KioskError) throw err;
    throw new KioskError('CONFIG_INVALID', `hub link ${path} is unreadable: ${errorMessage(err)}`, {
      hint: 'join the hub again with `kiosk hub-join <url> <code>` (a new pairing code from `kiosk hub pair-code <kiosk>`)',
      context: { path },
    });
  }
}

export function writeLink(dataDir: string, link: HubLink): void {
  const path = linkPath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(link, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
