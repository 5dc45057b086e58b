/**
 * The kiosk menu PIN: from the config file when set there (then fixed), otherwise the one chosen at
 * first-run setup and changeable from the admin pages. Only its scrypt hash is ever stored.
 *
 * PINs set before PINs had to be 6 digits (setting `kioskPinHash`, possibly 4 digits, hashed at
 * N = 2^15) are never accepted again: until an admin sets a new one (the admin pages ask for it at
 * the next login), the menu says no PIN is set. New PINs live under `kioskPin`.
 */
import type { AdminRepo } from '../../store/admin-repo.ts';
import { isPasswordHash, type SecretHasher } from './password.ts';

const SETTING_KEY = 'kioskPin';
const LEGACY_KEY = 'kioskPinHash';

export class KioskPin {
  constructor(
    private readonly repo: AdminRepo,
    private readonly configHash: string | undefined,
    private readonly hasher: SecretHasher,
  ) {}

  get fromConfig(): boolean {
    return this.configHash !== undefined;
  }

  isSet(): boolean {
    return this.currentHash() !== null;
  }

  /** A PIN from before the 6-digit rule is stored and no new one: an admin must set one. */
  resetRequired(): boolean {
    if (this.fromConfig || this.isSet()) return false;
    const legacy = this.repo.getSetting(LEGACY_KEY)?.value;
    return typeof legacy === 'string';
  }

  /** Checks the PIN; a right one whose hash is below today's cost is re-hashed at it. */
  async verify(pin: string, actor: string): Promise<boolean> {
    const hash = this.currentHash();
    if (hash === null) return false;
    const r = await this.hasher.verify(pin, hash);
    if (r.rehash && !this.fromConfig) await this.store(pin, actor, '(pin re-hashed at the current cost)');
    return r.ok;
  }

  /** Stores a new PIN hash (the audit log records that it changed, not the hash). */
  async set(pin: string, actor: string): Promise<void> {
    await this.store(pin, actor, '(pin changed)');
  }

  private async store(pin: string, actor: string, auditValue: string): Promise<void> {
    const hash = await this.hasher.hash(pin);
    this.repo.setSetting(SETTING_KEY, hash, actor, auditValue);
  }

  private currentHash(): string | null {
    if (this.configHash !== undefined) return this.configHash;
    const stored = this.repo.getSetting(SETTING_KEY)?.value;
    return typeof stored === 'string' && isPasswordHash(stored) ? stored : null;
  }
}
