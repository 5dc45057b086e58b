/**
 * A run with HTTPS, as a kiosk serving the LAN has it: the self-signed certificate made on first
 * run, checked by a real HTTPS client that pins its SHA-256 fingerprint (what `kiosk doctor`
 * prints), and by a real Chromium page (self-signed, so ignoreHTTPSErrors) that gets the kiosk
 * screen and first-run setup over TLS and its socket over wss. The tests bind 127.0.0.1 only
 * (`server.tls.onLoopback`): the code path is the one a LAN bind takes, without leaving loopback.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { defaultServerOptions, serverOptionsSchema } from '../../src/server/options.ts';
import { loadTls, selfSignedPaths, tlsWanted, type TlsMaterial } from '../../src/server/tls.ts';
import { ADMIN, browserSkipReason, cameraFrame, FACE_BOX, launchBrowser, PIN, startServer, streamPreview, type KioskServer } from './harness.ts';

const TIMEOUT = 15_000;
const skip = browserSkipReason();

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  fingerprint: string;
}

/** One HTTPS request that trusts exactly the kiosk's certificate and checks its fingerprint too. */
function pinnedRequest(url: string, tls: TlsMaterial, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: opts.method ?? 'GET',
      headers: opts.headers ?? {},
      ca: tls.cert,
      checkServerIdentity: (_host, cert) => (cert.fingerprint256 === tls.fingerprint256 ? undefined : new Error(`certificate ${cert.fingerprint256} is not the kiosk's`)),
    }, (res) => {
      let body = '';
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, fingerprint }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const config = serverOptionsSchema.parse({ host: '127.0.0.1', tls: { onLoopback: true } });

describe('HTTPS: the self-signed certificate', () => {
  test('beyond loopback HTTPS is always on; on loopback only when asked', () => {
    assert.equal(defaultServerOptions.host, '127.0.0.1', 'loopback by default');
    assert.equal(tlsWanted(defaultServerOptions), false);
    assert.equal(tlsWanted(serverOptionsSchema.parse({ host: '0.0.0.0' })), true);
    assert.equal(tlsWanted(serverOptionsSchema.parse({ host: '192.168.1.20' })), true);
    assert.equal(tlsWanted(config), true);
  });

  test('is made on first run with 0600 files in a 0700 folder, reused afterwards, and its fingerprint is the certificate\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-tls-'));
    try {
      const first = await loadTls(config, dir);
      const paths = selfSignedPaths(dir);
      assert.equal(statSync(paths.dir).mode & 0o777, 0o700);
      assert.equal(statSync(paths.key).mode & 0o777, 0o600);
      assert.equal(statSync(paths.cert).mode & 0o777, 0o600);
      const x = new X509Certificate(readFileSync(paths.cert));
      assert.equal(first.fingerprint256, x.fingerprint256);
      assert.match(x.subjectAltName ?? '', /DNS:localhost/u);
      assert.match(x.subjectAltName ?? '', /IP Address:127\.0\.0\.1/u);
      const again = await loadTls(config, dir);
      assert.equal(again.fingerprint256, first.fingerprint256, 'the same certificate on the next start');
      const later = await loadTls(config, dir, Date.parse(x.validTo) + 1);
      assert.notEqual(later.fingerprint256, first.fingerprint256, 'an expired one is replaced');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HTTPS: a real client and a real Chromium page', () => {
  let dir = '';
  let tls: TlsMaterial;
  let srv: KioskServer;
  let browser: Browser | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-tls-'));
    tls = await loadTls(config, dir);
    srv = await startServer({ language: 'en', tls: { onLoopback: true } }, { key: tls.key, cert: tls.cert });
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the server speaks HTTPS only, with the pinned certificate, HSTS and a Secure session cookie', async () => {
    assert.match(srv.url, /^https:\/\/127\.0\.0\.1:\d+$/u);
    const state = await pinnedRequest(`${srv.url}/api/auth/state`, tls);
    assert.equal(state.status, 200);
    assert.equal(state.fingerprint, tls.fingerprint256);
    assert.match(String(state.headers['strict-transport-security']), /max-age=/u);
    const evil = await pinnedRequest(`${srv.url}/api/auth/state`, tls, { headers: { host: 'evil.example' } });
    assert.equal(evil.status, 421, 'Host is checked over TLS as well');
    const plain = await fetch(srv.url.replace('https:', 'http:')).then((r) => r.status, () => 'refused');
    assert.notEqual(plain, 200, 'no plain-HTTP answer on the TLS port');
    const setup = await pinnedRequest(`${srv.url}/api/auth/setup`, tls, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ADMIN, pin: PIN, setupCode: 'WRONG-CODE-0000' }),
    });
    assert.equal(setup.status, 403, 'and setup still needs the code from the device');
  });

  test('Chromium: the kiosk screen over HTTPS shows the setup code and live frames (socket over wss); setup in the admin page works', { skip: skip ?? false }, async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const stop = streamPreview(srv.kiosk, await cameraFrame(), () => ({ trackId: 1, box: FACE_BOX, state: 'collecting', label: null }));
    try {
      await page.goto(`${srv.url}/`);
      assert.equal(new URL(page.url()).protocol, 'https:');
      const code = await page.getByTestId('setup-code').textContent({ timeout: TIMEOUT });
      assert.equal(code, srv.setupCode().match(/.{4}/gu)!.join('-'));
      await page.waitForFunction(() => (globalThis as unknown as { kioskDebug: { frames(): number } }).kioskDebug.frames() > 0, undefined, { timeout: TIMEOUT });
      const admin = await context.newPage();
      await admin.goto(`${srv.url}/admin`);
      await admin.getByTestId('lang-en').click();
      await admin.getByTestId('setup-form').waitFor({ timeout: TIMEOUT });
      await admin.locator('#setup-code').fill(code ?? '');
      await admin.locator('#username').fill(ADMIN.username);
      await admin.locator('#password').fill(ADMIN.password);
      await admin.locator('#password2').fill(ADMIN.password);
      await admin.locator('#pin').fill(PIN);
      await admin.getByTestId('setup-submit').click();
      await admin.getByTestId('log-table').or(admin.getByTestId('log-table-empty')).waitFor({ timeout: TIMEOUT });
      const cookies = await context.cookies(srv.url);
      assert.equal(cookies.find((c) => c.name === 'kiosk_admin')?.secure, true);
      // Setup done: the kiosk screen stops showing the code.
      await page.getByTestId('setup-code').waitFor({ state: 'detached', timeout: TIMEOUT });
    } finally {
      stop();
      await context.close();
    }
  });
});
