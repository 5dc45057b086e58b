import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envOverrides, loadConfig } from '../../../src/config/load.ts';
import { KioskError } from '../../../src/errors.ts';

function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'));
  for (const [name, v] of Object.entries(files)) writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
  return dir;
}

describe('configuration', () => {
  test('defaults apply with no file and no env', () => {
    const { config } = loadConfig({ configDir: dirWith({}), env: {} });
    assert.equal(config.dataDir, './data');
    assert.equal(config.model.backend, 'auto');
    assert.equal(config.model.descriptor.kind, 'arcface');
    assert.equal(config.model.descriptor.onnx.modelPath, '', 'empty = the vendored model');
    assert.equal(config.model.descriptor.flipAverage, false);
  });

  test('layers: default.json ← local file ← env ← cli, with origins', () => {
    const dir = dirWith({ 'default.json': { model: { matcher: { threshold: 0.6 } }, logLevel: 'warn' }, 'other.json': { model: { matcher: { topK: 5 } } } });
    const { config, origins } = loadConfig({
      configDir: dir, configFile: join(dir, 'other.json'),
      env: { KIOSK_MODEL__MATCHER__THRESHOLD: '0.7', KIOSK_MODEL__BACKEND: 'wasm' }, cli: { dataDir: '/tmp/x' },
    });
    assert.equal(config.model.matcher.threshold, 0.7);
    assert.equal(config.model.matcher.topK, 5);
    assert.equal(config.model.backend, 'wasm');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.dataDir, '/tmp/x');
    assert.equal(origins['model.matcher.threshold'], 'env KIOSK_MODEL__MATCHER__THRESHOLD');
    assert.equal(origins['model.matcher.topK'], `file ${join(dir, 'other.json')}`);
    assert.equal(origins.dataDir, 'cli');
  });

  test('env names map to camelCase paths and values parse as JSON when they can', () => {
    const { values } = envOverrides({ KIOSK_MODEL__DETECTOR__MAX_FACES: '3', KIOSK_DATA_DIR: '/srv/kiosk', KIOSK_MODEL__DETECTOR__LIVENESS: 'false', PATH: '/bin' });
    assert.deepEqual(values, { model: { detector: { maxFaces: 3, liveness: false } }, dataDir: '/srv/kiosk' });
  });

  test('an invalid configuration lists every offending key with its value at once', () => {
    const dir = dirWith({ 'default.json': { model: { matcher: { threshold: 7 }, backend: 'gpu-please' }, bogus: 1 } });
    let err: unknown;
    try {
      loadConfig({ configDir: dir, env: { KIOSK_MODEL__DETECTOR__MAX_FACES: '0' } });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof KioskError);
    assert.equal(err.code, 'CONFIG_INVALID');
    for (const needle of ['model.matcher.threshold (got 7)', 'model.backend (got "gpu-please")', 'bogus', 'model.detector.maxFaces (got 0)']) {
      assert.ok(err.message.includes(needle), `missing ${needle} in:\n${err.message}`);
    }
  });

  test('unreadable JSON names the file', () => {
    const dir = dirWith({ 'default.json': '{ not json' });
    assert.throws(() => loadConfig({ configDir: dir, env: {} }), (e: unknown) => e instanceof KioskError && e.code === 'CONFIG_INVALID' && e.message.includes('default.json'));
  });
});
