/**
 * One-time codes a person reads on one screen and types on another: the first-run setup code
 * (shown on the kiosk's own screen and printed on the device) and screen pairing codes (issued in
 * the admin pages). Letters and digits without look-alikes (no 0/O, 1/I/L), shown in groups of four.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** 12 symbols of 31: about 59 bits, far beyond what the per-address back-off lets anyone try. */
export const CODE_LENGTH = 12;
const GROUP = 4;

export function newCode(length = CODE_LENGTH): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** "ABCD-EFGH-JKMN": how a code is shown. */
export function formatCode(code: string): string {
  return code.match(new RegExp(`.{1,${GROUP}}`, 'gu'))?.join('-') ?? code;
}

/** What a person typed against the code, in constant time; the caller has already normalised it. */
export function sameCode(typed: string, code: string): boolean {
  const a = createHash('sha256').update(typed).digest();
  const b = createHash('sha256').update(code).digest();
  return timingSafeEqual(a, b);
}

/**
 * The first-run setup code. With a file, it is kept there (mode 0600) so `kiosk doctor`, a separate
 * process, can print the same code as the running `kiosk serve`; it is removed once setup is done.
 */
export class SetupCode {
  private code: string | null;

  private constructor(
    code: string,
    private readonly file: string | null,
  ) {
    this.code = code;
  }

  static inMemory(code: string = newCode()): SetupCode {
    return new SetupCode(code, null);
  }

  /** The code in `file`, or a new one written there. */
  static inFile(file: string): SetupCode {
    const existing = readSetupCode(file);
    if (existing !== null) return new SetupCode(existing, file);
    const code = newCode();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${code}\n`, { mode: 0o600 });
    return new SetupCode(code, file);
  }

  /** The code while setup is still open, else null. */
  current(): string | null {
    return this.code;
  }

  matches(typed: string): boolean {
    return this.code !== null && sameCode(typed, this.code);
  }

  /** Setup is done: the code never works again. */
  consume(): void {
    this.code = null;
    if (this.file !== null) rmSync(this.file, { force: true });
  }
}

/** Where `kiosk serve` keeps the setup code until setup is done (read by `kiosk doctor`). */
export function setupCodeFile(dataDir: string): string {
  return join(dataDir, 'setup-code');
}

/** The code `kiosk serve` left in `file`, if any (for `kiosk doctor`). */
export function readSetupCode(file: string): string | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim().toUpperCase();
  return /^[A-Z0-9]{4,32}$/u.test(text) ? text : null;
}

export interface PairingGrant {
  name: string;
  issuedBy: string;
}

/** Screen pairing codes: single use, short-lived, held in memory only (a restart voids them). */
export class PairingCodes {
  private readonly pending = new Map<string, PairingGrant & { expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  issue(name: string, issuedBy: string): { code: string; expiresAt: number } {
    this.prune();
    const code = newCode();
    const expiresAt = this.clock() + this.ttlMs;
    this.pending.set(code, { name, issuedBy, expiresAt });
    return { code, expiresAt };
  }

  /** The grant for a typed code (and the code is spent), or null. */
  redeem(typed: string): PairingGrant | null {
    this.prune();
    for (const [code, grant] of this.pending) {
      if (!sameCode(typed, code)) continue;
      this.pending.delete(code);
      return { name: grant.name, issuedBy: grant.issuedBy };
    }
    return null;
  }

  private prune(): void {
    const now = this.clock();
    for (const [code, g] of this.pending) if (g.expiresAt <= now) this.pending.delete(code);
  }
}
