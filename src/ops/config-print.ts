/** `kiosk config print`: every effective leaf value and the source that set it (default, file, env, cli). */
import type { LoadedConfig } from '../config/load.ts';

export interface ConfigLeaf {
  key: string;
  value: unknown;
  /** "default", "file <path>", "env KIOSK_…" or "cli". */
  origin: string;
}

/** Values under keys like these are never printed, only whether they are set. */
const SECRET_KEY = /(secret|password|token|pinhash|passwordhash)$/i;
export const REDACTED = '(set, hidden)';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function configLeaves(loaded: Pick<LoadedConfig, 'config' | 'origins'>): ConfigLeaf[] {
  const out: ConfigLeaf[] = [];
  const walk = (v: unknown, key: string): void => {
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const [k, c] of Object.entries(v)) walk(c, key ? `${key}.${k}` : k);
      return;
    }
    const last = key.split('.').pop() ?? key;
    out.push({ key, value: SECRET_KEY.test(last) && v !== undefined ? REDACTED : v, origin: loaded.origins[key] ?? 'default' });
  };
  walk(loaded.config, '');
  return out;
}

export function formatConfig(leaves: readonly ConfigLeaf[], files: readonly string[]): string {
  const width = Math.max(...leaves.map((l) => l.key.length));
  const lines = leaves.map((l) => `${l.key.padEnd(width)}  ${l.value === undefined ? '(unset)' : JSON.stringify(l.value)}${l.origin === 'default' ? '' : `  ← ${l.origin}`}`);
  lines.push('', files.length ? `config files: ${files.join(', ')}` : 'config files: none (defaults, environment and flags only)');
  return lines.join('\n');
}
