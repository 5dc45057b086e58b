import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configRows, currentConfigTable, END, envName, insertConfigTable, README_PATH, REGENERATE, renderConfigTable, START } from '../../../src/ops/config-table.ts';
import { configLeaves, formatConfig, REDACTED } from '../../../src/ops/config-print.ts';
import { envOverrides, loadConfig } from '../../../src/config/load.ts';
import { configSchema } from '../../../src/config/schema.ts';

describe('README configuration table', () => {
  test('README.md holds the table generated from the current schema', () => {
    const readme = existsSync(README_PATH) ? readFileSync(README_PATH, 'utf8') : '';
    const current = currentConfigTable(readme);
    assert.ok(current !== null, `README.md has no configuration table (markers ${START} … ${END}): run \`${REGENERATE}\``);
    assert.ok(current === renderConfigTable(), `README.md's configuration table is stale (the schema changed): run \`${REGENERATE}\``);
  });

  test('every key of the effective configuration has a row with a description', () => {
    const rows = new Map(configRows().map((r) => [r.key, r]));
    const leaves = configLeaves({ config: configSchema.parse({}), origins: {} });
    for (const leaf of leaves) {
      const row = rows.get(leaf.key);
      assert.ok(row, `no table row for ${leaf.key}`);
      assert.ok(row.description.length > 0, `${leaf.key} has no .describe()`);
    }
  });

  test('a default taken from the machine (time zone) renders the same everywhere', () => {
    const row = configRows().find((r) => r.key === 'store.reportTimeZone');
    assert.equal(row?.default, "the machine's time zone");
    const saved = process.env.TZ;
    process.env.TZ = 'Pacific/Auckland';
    try {
      assert.equal(renderConfigTable(), renderConfigTable(configRows()));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  test('the environment name in the table maps back to its key through the config loader', () => {
    for (const { key } of configRows()) {
      const { names } = envOverrides({ [envName(key)]: '1' });
      assert.deepEqual(Object.keys(names), [key], `${envName(key)} does not reach ${key}`);
    }
  });

  test('insertion: replaces between markers, else ends the Configuration section, else appends one', () => {
    const block = `${START}\nT\n${END}`;
    assert.equal(insertConfigTable(`# K\n\n${START}\nold\n${END}\n\n## Next\n`, block), `# K\n\n${block}\n\n## Next\n`);
    assert.equal(insertConfigTable('# K\n\n## Configuration\n\nLayers.\n\n## Jetson\n\nx\n', block), `# K\n\n## Configuration\n\nLayers.\n\n${block}\n\n## Jetson\n\nx\n`);
    assert.equal(insertConfigTable('# K\n\n## Configuration\n\nLayers.\n', block), `# K\n\n## Configuration\n\nLayers.\n\n${block}\n`);
    assert.equal(insertConfigTable('# K\n', block), `# K\n\n## Configuration\n\n${block}\n`);
    const once = insertConfigTable('# K\n\n## Configuration\n\nLayers.\n\n## Jetson\n', block);
    assert.equal(insertConfigTable(once, block), once);
  });
});

describe('config print', () => {
  test('each value says where it came from: default, file, env or cli', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-ops-config-'));
    writeFileSync(join(dir, 'default.json'), JSON.stringify({ ops: { backup: { keep: 3 } } }));
    const loaded = loadConfig({ configDir: dir, env: { KIOSK_OPS__RETENTION__PUNCHES_DAYS: '400' }, cli: { logLevel: 'warn' } });
    const byKey = new Map(configLeaves(loaded).map((l) => [l.key, l]));
    assert.deepEqual(byKey.get('ops.backup.keep'), { key: 'ops.backup.keep', value: 3, origin: `file ${join(dir, 'default.json')}` });
    assert.deepEqual(byKey.get('ops.retention.punchesDays'), { key: 'ops.retention.punchesDays', value: 400, origin: 'env KIOSK_OPS__RETENTION__PUNCHES_DAYS' });
    assert.equal(byKey.get('logLevel')?.origin, 'cli');
    assert.deepEqual(byKey.get('ops.backup.dir'), { key: 'ops.backup.dir', value: 'backups', origin: 'default' });
    const text = formatConfig([...byKey.values()], loaded.files);
    assert.match(text, /^ops\.retention\.punchesDays +400 {2}← env KIOSK_OPS__RETENTION__PUNCHES_DAYS$/m);
    assert.match(text, /^ops\.backup\.dir +"backups"$/m);
    assert.match(text, new RegExp(`config files: ${join(dir, 'default.json')}`));
  });

  test('secrets are never printed, only that they are set', () => {
    const leaves = configLeaves({ config: { server: { kioskPinHash: 'scrypt$15$8$1$salt$hash', sessionSecret: 'abc', adminPassword: undefined, port: 8080 } } as never, origins: { 'server.sessionSecret': 'env KIOSK_SERVER__SESSION_SECRET' } });
    const byKey = new Map(leaves.map((l) => [l.key, l]));
    assert.equal(byKey.get('server.kioskPinHash')?.value, REDACTED);
    assert.equal(byKey.get('server.sessionSecret')?.value, REDACTED);
    assert.equal(byKey.get('server.sessionSecret')?.origin, 'env KIOSK_SERVER__SESSION_SECRET');
    assert.equal(byKey.get('server.adminPassword')?.value, undefined);
    assert.equal(byKey.get('server.port')?.value, 8080);
    assert.ok(!formatConfig(leaves, []).includes('abc'));
  });
});
