/**
 * Browser tests: the real server (built UI, real temp SQLite) with a FAKE kiosk port that the test
 * scripts, driven by Debian Chromium through playwright-core. Screenshots go to test-artifacts/
 * (always) and to docs/screenshots/ for the README (when missing, or with KIOSK_UPDATE_SCREENSHOTS=1).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { buildApp, type AppDeps } from '../../src/server/app.ts';
import { listen, type Listening } from '../../src/server/listen.ts';
import type { PreviewFace } from '../../src/server/ports.ts';
import { ensureUiBuilt } from '../../src/server/ui-build.ts';
import type { Store } from '../../src/store/store.ts';
import { FakeKiosk, tempStore } from '../integration/server/fakes.ts';

export const TZ = 'Asia/Ho_Chi_Minh';
export const ADMIN = { username: 'lan.admin', password: 'mật khẩu thật dài' } as const;
export const PIN = '246810';

const CHROMIUM = process.env.KIOSK_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const ROOT = new URL('../../', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'test-artifacts', 'screenshots');
const DOCS = join(ROOT, 'docs', 'screenshots');

/** Why the browser tests cannot run here, or null. */
export function browserSkipReason(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium, or set KIOSK_CHROMIUM)`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

export interface KioskServer {
  url: string;
  store: Store;
  kiosk: FakeKiosk;
  server: Listening;
  /** The first-run setup code (what the kiosk screen shows and `kiosk serve` prints). */
  setupCode(): string;
  close(): Promise<void>;
}

/** `hubLink`: the server of a kiosk joined to a hub (a fake link the test drives); none is single-kiosk mode. */
export async function startServer(config: AppDeps['config'] = {}, tls?: AppDeps['tls'], hubLink?: AppDeps['hubLink']): Promise<KioskServer> {
  const uiDir = await ensureUiBuilt();
  const { store, done } = tempStore({ reportTimeZone: TZ });
  const kiosk = new FakeKiosk(store);
  const app = buildApp({ store, kiosk, config: { scryptLogN: 10, timeZone: TZ, sound: false, uiDir, ...config }, ...(tls === undefined ? {} : { tls }), ...(hubLink === undefined ? {} : { hubLink }) });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    store,
    kiosk,
    server,
    setupCode: () => app.setupCode.current() ?? '',
    close: async () => {
      await server.close();
      done();
    },
  };
}

/** First-run setup over HTTP (for tests that do not exercise the setup page itself). */
export async function setupOverHttp(url: string, setupCode: string): Promise<void> {
  const res = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ADMIN, pin: PIN, setupCode }) });
  if (!res.ok) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
}

export const FRAME = { width: 1280, height: 720 } as const;
export const FACE_BOX = { x: 540, y: 150, width: 200, height: 250 } as const;

/** A camera-like JPEG drawn with sharp: a figure whose head sits in FACE_BOX. No real faces. */
export async function cameraFrame(): Promise<Buffer> {
  const cx = FACE_BOX.x + FACE_BOX.width / 2;
  const cy = FACE_BOX.y + FACE_BOX.height / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${FRAME.width}" height="${FRAME.height}">
    <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3b4a5e"/><stop offset="1" stop-color="#1c2430"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#bg)"/>
    <rect x="80" y="90" width="260" height="420" fill="#55657a" rx="8"/>
    <rect x="960" y="120" width="220" height="300" fill="#4a5a6e" rx="8"/>
    <ellipse cx="${cx}" cy="${FRAME.height + 40}" rx="260" ry="300" fill="#2f6f9f"/>
    <rect x="${cx - 45}" y="${cy + 95}" width="90" height="80" fill="#d9a47c"/>
    <ellipse cx="${cx}" cy="${cy}" rx="92" ry="118" fill="#e8b48d"/>
    <path d="M ${cx - 96} ${cy - 20} Q ${cx} ${cy - 190} ${cx + 96} ${cy - 20} Q ${cx + 60} ${cy - 90} ${cx} ${cy - 92} Q ${cx - 60} ${cy - 90} ${cx - 96} ${cy - 20} Z" fill="#2b1d16"/>
    <ellipse cx="${cx - 34}" cy="${cy - 5}" rx="10" ry="7" fill="#2b1d16"/>
    <ellipse cx="${cx + 34}" cy="${cy - 5}" rx="10" ry="7" fill="#2b1d16"/>
    <path d="M ${cx - 30} ${cy + 50} Q ${cx} ${cy + 70} ${cx + 30} ${cy + 50}" stroke="#8a4b3a" stroke-width="6" fill="none"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/** Sends preview frames at ~12 fps until stopped (the server caps what reaches the screen). */
export function streamPreview(kiosk: FakeKiosk, jpeg: Buffer, face: () => PreviewFace | null): () => void {
  const timer = setInterval(() => {
    const f = face();
    kiosk.preview({ ts: Date.now(), width: FRAME.width, height: FRAME.height, jpeg, faces: f === null ? [] : [f] });
  }, 80);
  return () => clearInterval(timer);
}

/** `docs: false` keeps a screenshot out of docs/ (e.g. one showing the shared data set's photos, which stay out of the repo). */
export async function screenshot(page: Page, name: string, opts: { docs?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  const doc = join(DOCS, `${name}.png`);
  if (opts.docs !== false && (process.env.KIOSK_UPDATE_SCREENSHOTS === '1' || !existsSync(doc))) {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, doc);
  }
  return file;
}

/** Local date (YYYY-MM-DD) of now in the test zone. */
export function todayInZone(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
}

export function zoned(day: string, time: string): number {
  return Date.parse(`${day}T${time}+07:00`);
}
