/**
 * The kiosk menu PIN: from the config file when set there (then fixed), otherwise the one chosen at
 * first-run setup and changeable from the admin pages. Only its scrypt hash is ever stored.
 */
import type { AdminRepo } from '../../store/admin-repo.ts';
import { hashSecret, isPasswordHash, verifySecret } from './password.ts';

const SETTING_KEY = 'kioskPinHash';

export class KioskPin {
  constructor(
    private readonly repo: AdminRepo,
    private readonly configHash: string | undefined,
    private readonly scryptLogN: number,
  ) {}

  get fromConfig(): boolean {
    return this.configHash !== undefined;
  }

  isSet(): boolean {
    return this.currentHash() !== null;
  }

  async verify(pin: string): Promise<boolean> {
    const hash = this.currentHash();
    return hash === null ? false : verifySecret(pin, hash);
  }

  /** Stores a new PIN hash (the audit log records that it changed, not the hash). */
  async set(pin: string, actor: string): Promise<void> {
    const hash = await hashSecret(pin, this.scryptLogN);
    this.repo.setSetting(SETTING_KEY, hash, actor, '(pin changed)');
  }

  private currentHash(): string | null {
    if (this.configHash !== undefined) return this.configHash;
    const stored = this.repo.getSetting(SETTING_KEY)?.value;
    return typeof stored === 'string' && isPasswordHash(stored) ? stored : null;
  }
}
