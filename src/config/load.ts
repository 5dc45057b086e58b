/**
 * Effective configuration = schema defaults ← `config/default.json` ← a local file (--config or
 * KIOSK_CONFIG, else `config/local.json` if present) ← `KIOSK_*` environment variables ← CLI flags.
 * An invalid result stops start-up with every offending key, its value and what is allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { KioskError, errorMessage } from '../errors.ts';
import { configSchema, type Config } from './schema.ts';

export const CONFIG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config');
const ENV_PREFIX = 'KIOSK_';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface ConfigSource {
  name: string;
  values: JsonObject;
}

export interface LoadedConfig {
  config: Config;
  /** Which source set each leaf key ("model.matcher.threshold" → "env KIOSK_MODEL__MATCHER__THRESHOLD"). */
  origins: Record<string, string>;
  files: string[];
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readJsonFile(path: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KioskError('CONFIG_INVALID', `cannot read config file ${path}: ${errorMessage(err)}`, { hint: 'fix the JSON or remove the file', context: { path } });
  }
  if (!isObject(parsed)) throw new KioskError('CONFIG_INVALID', `config file ${path} must hold a JSON object`, { context: { path } });
  return parsed;
}

/** SCREAMING_SNAKE segment → camelCase key: MAX_FACES → maxFaces. */
function envSegmentToKey(seg: string): string {
  return seg.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `KIOSK_MODEL__MATCHER__THRESHOLD=0.6` → { model: { matcher: { threshold: 0.6 } } }; values parse as JSON when they can. */
export function envOverrides(env: NodeJS.ProcessEnv): { values: JsonObject; names: Record<string, string> } {
  const values: JsonObject = {};
  const names: Record<string, string> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || name === 'KIOSK_CONFIG' || name === 'KIOSK_DATASET') continue;
    const path = name.slice(ENV_PREFIX.length).split('__').map(envSegmentToKey);
    let value: Json;
    try {
      value = JSON.parse(raw) as Json;
    } catch {
      value = raw;
    }
    let node = values;
    path.slice(0, -1).forEach((k) => {
      if (!isObject(node[k])) node[k] = {};
      node = node[k] as JsonObject;
    });
    node[path[path.length - 1] as string] = value;
    names[path.join('.')] = name;
  }
  return { values, names };
}

function merge(into: JsonObject, from: JsonObject, source: string, origins: Record<string, string>, prefix = ''): void {
  for (const [k, v] of Object.entries(from)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(v) && isObject(into[k])) merge(into[k] as JsonObject, v, source, origins, key);
    else {
      into[k] = isObject(v) ? structuredClone(v) : v;
      markOrigins(v, key, source, origins);
    }
  }
}

function markOrigins(v: Json, key: string, source: string, origins: Record<string, string>): void {
  if (isObject(v)) for (const [k, c] of Object.entries(v)) markOrigins(c, `${key}.${k}`, source, origins);
  else origins[key] = source;
}

export function formatIssues(err: z.ZodError, input: unknown): string {
  return err.issues.map((i) => {
    const path = i.path.join('.') || '(root)';
    let value: unknown = input;
    for (const p of i.path) value = isObject(value) ? value[String(p)] : undefined;
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    return `  - ${path}${shown}: ${i.message}`;
  }).join('\n');
}

export function parseConfig(sources: readonly ConfigSource[]): LoadedConfig {
  const merged: JsonObject = {};
  const origins: Record<string, string> = {};
  for (const s of sources) merge(merged, s.values, s.name, origins);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new KioskError('CONFIG_INVALID', `invalid configuration (${result.error.issues.length} problem${result.error.issues.length === 1 ? '' : 's'}):\n${formatIssues(result.error, merged)}`, {
      hint: `sources: ${sources.map((s) => s.name).join(', ')}; \`kiosk config print\` shows the defaults`,
      context: { issues: result.error.issues },
    });
  }
  return { config: result.data, origins, files: sources.filter((s) => s.name.startsWith('file ')).map((s) => s.name.slice(5)) };
}

export interface LoadOptions {
  configFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cli?: JsonObject;
  configDir?: string;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const dir = opts.configDir ?? CONFIG_DIR;
  const sources: ConfigSource[] = [];
  const def = join(dir, 'default.json');
  if (existsSync(def)) sources.push({ name: `file ${def}`, values: readJsonFile(def) });
  const local = opts.configFile ?? env.KIOSK_CONFIG ?? (existsSync(join(dir, 'local.json')) ? join(dir, 'local.json') : undefined);
  if (local) {
    if (!existsSync(local)) throw new KioskError('CONFIG_INVALID', `config file ${local} does not exist`, { hint: 'check --config / KIOSK_CONFIG' });
    sources.push({ name: `file ${resolve(local)}`, values: readJsonFile(local) });
  }
  const { values, names } = envOverrides(env);
  if (Object.keys(values).length) sources.push({ name: 'env', values });
  if (opts.cli && Object.keys(opts.cli).length) sources.push({ name: 'cli', values: opts.cli });
  const loaded = parseConfig(sources);
  for (const [k, src] of Object.entries(loaded.origins)) if (src === 'env' && names[k]) loaded.origins[k] = `env ${names[k]}`;
  return loaded;
}
