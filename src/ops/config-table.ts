/**
 * README's configuration table, generated from the zod schema so it cannot drift: one row per leaf
 * key with its type / allowed values, default and description. Regenerate with
 *   node --import tsx src/ops/config-table.ts --write
 * (`--check` exits 1 when README is stale; the unit test does the same).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { configSchema } from '../config/schema.ts';

export const README_PATH = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'README.md');
export const START = '<!-- config-table:start -->';
export const END = '<!-- config-table:end -->';
export const REGENERATE = 'node --import tsx src/ops/config-table.ts --write';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

export interface ConfigRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

/** Bounds zod adds for `.int()`; not worth a reader's attention. */
const SAFE_INT_BOUND = Number.MAX_SAFE_INTEGER;

function describeType(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(describeType).join(' or ');
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (type === 'array') return `array of ${s.items ? describeType(s.items) : 'any'}`;
  const bounds: string[] = [];
  if (s.minimum !== undefined && Math.abs(s.minimum) !== SAFE_INT_BOUND) bounds.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && Math.abs(s.maximum) !== SAFE_INT_BOUND) bounds.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  if (s.minLength !== undefined && s.minLength > 1) bounds.push(`length ≥ ${s.minLength}`);
  if (s.maxLength !== undefined) bounds.push(`length ≤ ${s.maxLength}`);
  return bounds.length ? `${type}, ${bounds.join(', ')}` : type;
}

/** JSON Schema of the config, generated with TZ set to `tz` (zod evaluates default functions as it goes). */
function schemaUnderTz(tz: string): JsonSchema {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

function walk(s: JsonSchema, prefix: string, out: Map<string, JsonSchema>): void {
  for (const [k, child] of Object.entries(s.properties ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (child.properties && Object.keys(child.properties).length > 0) walk(child, key, out);
    else out.set(key, child);
  }
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * One row per leaf key. A default that changes with the machine's time zone (computed when the schema
 * is read) is shown as such, so the table is the same on every machine.
 */
export function configRows(): ConfigRow[] {
  const a = new Map<string, JsonSchema>();
  const b = new Map<string, JsonSchema>();
  walk(schemaUnderTz('Etc/GMT+5'), '', a);
  walk(schemaUnderTz('Asia/Tokyo'), '', b);
  return [...a].map(([key, s]) => {
    const other = b.get(key);
    const dynamic = JSON.stringify(s.default) !== JSON.stringify(other?.default);
    const def = dynamic ? "the machine's time zone" : s.default === undefined ? '(none)' : `\`${JSON.stringify(s.default)}\``;
    return { key, type: describeType(s), default: def, description: s.description ?? '' };
  });
}

export function envName(key: string): string {
  return `KIOSK_${key
    .split('.')
    .map((seg) => seg.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join('__')}`;
}

export function renderConfigTable(rows: readonly ConfigRow[] = configRows()): string {
  const example = rows.find((r) => r.key.split('.').length > 2) ?? rows[0];
  const lines = [
    START,
    `<!-- generated from src/config/schema.ts by \`${REGENERATE}\`; do not edit by hand -->`,
    '',
    `Every key can also be set in the environment: \`KIOSK_\` + the path in upper snake case with \`__\` between levels${example ? ` (\`${example.key}\` → \`${envName(example.key)}\`)` : ''}. \`kiosk config print\` shows the effective value of each key and where it came from.`,
    '',
    '| key | type / allowed | default | description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.key}\` | ${escapeCell(r.type)} | ${escapeCell(r.default)} | ${escapeCell(r.description)} |`),
    END,
  ];
  return lines.join('\n');
}

/** README with the table block replaced, or inserted at the end of "## Configuration" (added if absent). */
export function insertConfigTable(readme: string, block: string): string {
  const s = readme.indexOf(START);
  const e = readme.indexOf(END);
  if (s >= 0 && e > s) return readme.slice(0, s) + block + readme.slice(e + END.length);
  const heading = /^## Configuration[^\n]*$/m.exec(readme);
  if (heading) {
    const after = heading.index + heading[0].length;
    const next = /^## /m.exec(readme.slice(after));
    const at = next ? after + next.index : readme.length;
    const before = readme.slice(0, at).trimEnd();
    return `${before}\n\n${block}\n${next ? `\n${readme.slice(at)}` : ''}`;
  }
  return `${readme.trimEnd()}${readme.trim() ? '\n\n' : ''}## Configuration\n\n${block}\n`;
}

/** The table block currently in README, or null without markers. */
export function currentConfigTable(readme: string): string | null {
  const s = readme.indexOf(START);
  const e = readme.indexOf(END);
  return s >= 0 && e > s ? readme.slice(s, e + END.length) : null;
}

function main(args: readonly string[]): number {
  const block = renderConfigTable();
  const readme = existsSync(README_PATH) ? readFileSync(README_PATH, 'utf8') : '';
  if (args.includes('--write')) {
    const next = insertConfigTable(readme, block);
    if (next !== readme) writeFileSync(README_PATH, next);
    console.log(next === readme ? 'README.md configuration table is up to date' : `updated the configuration table in ${README_PATH}`);
    return 0;
  }
  if (args.includes('--check')) {
    const ok = currentConfigTable(readme) === block;
    console.error(ok ? 'README.md configuration table is up to date' : `README.md configuration table is stale or missing: run ${REGENERATE}`);
    return ok ? 0 : 1;
  }
  console.log(block);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}

