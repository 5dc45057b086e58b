/** The kiosk screen: live preview, a greeting or refusal per decision, camera state, and the menu. */
import type { CameraStatusDto, DecisionDto, KioskConfigDto, RecordingStatusDto } from '../../../src/server/protocol.ts';
import { byId, replace } from '../dom.ts';
import { translator, type Translate } from '../i18n.ts';
import { connectKiosk } from '../socket.ts';
import { formatTime } from '../text.ts';
import { decisionBanner, faceLabel, type Banner } from './greeting.ts';
import { mainFace, TrackBanners, type TrackedBanner } from './track-banners.ts';
import { DevicePanel } from './device.ts';
import { FallbackPanel } from './fallback.ts';
import { KioskMenu } from './menu.ts';
import { PreviewRenderer } from './preview.ts';
import { Beeper } from './sound.ts';
import './kiosk.css';

const CLOCK_TICK_MS = 1000;

let config: KioskConfigDto = {
  language: 'vi',
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  sound: false,
  greetingMs: 4000,
  menuAvailable: false,
  paired: false,
  displayName: null,
  setupCode: null,
  notMeMs: 8000,
};
let t: Translate = translator(config.language);
let camera: CameraStatusDto | null = null;
let recording: RecordingStatusDto | null = null;
let connected = false;

const socket = connectKiosk();
const preview = new PreviewRenderer(byId<HTMLCanvasElement>('preview'), (f) => faceLabel(f, t), () => refreshBanner());
const beeper = new Beeper(false);
const statusLine = byId('status-line');
const banner = byId('banner');
const menuButton = byId<HTMLButtonElement>('menu-button');
const idleHint = byId('idle-hint');
const clock = byId('clock');

const device = new DevicePanel(socket, byId('device'), () => t);
const menu = new KioskMenu({
  socket,
  panel: byId('menu'),
  t: () => t,
  onOpenChange: (open) => {
    document.body.classList.toggle('menu-open', open);
    refreshIdle();
  },
});

const notMe = byId<HTMLButtonElement>('not-me');
const fallbackButton = byId<HTMLButtonElement>('fallback-button');
const fallback = new FallbackPanel({
  socket,
  panel: byId('fallback'),
  t: () => t,
  onPunched: (r) => greetInView({ tone: 'ok', title: r.name, detail: t('fallback.done', { time: formatTime(r.ts, config.language, config.timeZone) }), sound: 'ok' }),
  onOpenChange: (open) => {
    document.body.classList.toggle('menu-open', open);
    refreshIdle();
  },
});

// ---------- greetings, bound to their faces ----------

/** Without preview frames for this long, the screen cannot tell who is in view: greetings just time out. */
const PREVIEW_STALE_MS = 2000;
/** The key of a greeting made with nobody in view (previews off): shown only while no face is. */
const NO_TRACK = -1;
const NOT_ME_ACK_MS = 10_000;

/** A greeting of a punch just made offers "Not me" on its own banner until `notMeUntil` (ms epoch, screen clock). */
type Shown = Banner & { punchId?: number; notMeUntil?: number };

const greetings = new TrackBanners<Shown>(() => config.greetingMs);
let shown: TrackedBanner<Shown> | null = null;
let lastPreviewAt = 0;
let notMeTimer: ReturnType<typeof setTimeout> | null = null;
let bannerTimer: ReturnType<typeof setTimeout> | null = null;

/** Shows the greeting of the main face in view (or none); runs on every drawn frame and decision. */
function refreshBanner(): void {
  const now = Date.now();
  const fresh = now - lastPreviewAt < PREVIEW_STALE_MS;
  const next = greetings.select(fresh ? preview.faces : null, now);
  if (bannerTimer !== null) clearTimeout(bannerTimer);
  bannerTimer = next === null ? null : setTimeout(refreshBanner, Math.max(0, next.until - now));
  if (next === null) {
    banner.hidden = true;
    hideNotMe();
    document.body.classList.remove('banner-shown');
    shown = null;
    refreshIdle();
    return;
  }
  if (shown === next && !banner.hidden) return;
  banner.className = `banner ${next.banner.tone}`;
  replace(byId('banner-title'), next.banner.title);
  replace(byId('banner-detail'), next.banner.detail);
  banner.dataset.track = String(next.track);
  banner.hidden = false;
  document.body.classList.add('banner-shown');
  shown = next;
  showNotMe(next);
  refreshIdle();
}

/** Adds a greeting to a track's banner, beeping as it arrives; it shows while that face is the main one. */
function greet(track: number, b: Shown, ms?: number): void {
  if (b.sound !== null) beeper.play(b.sound);
  greetings.add(track, b, Date.now(), ms);
  refreshBanner();
}

function onDecision(d: DecisionDto): void {
  const b: Shown = decisionBanner(d, t, config.language, config.timeZone);
  if (d.punchId === undefined) return greet(d.track, b);
  // The greeting lasts at least as long as its "Not me" offer, unless its face leaves or another becomes the main one.
  Object.assign(b, { punchId: d.punchId, notMeUntil: Date.now() + config.notMeMs });
  greet(d.track, b, Math.max(config.greetingMs, config.notMeMs));
}

/** A greeting for whoever stands at the screen now (a fallback punch): the main face in view, if any. */
function greetInView(b: Shown): void {
  const faces = Date.now() - lastPreviewAt < PREVIEW_STALE_MS ? preview.faces : null;
  greet((faces === null ? null : mainFace(faces))?.trackId ?? NO_TRACK, b);
}

function hideNotMe(): void {
  if (notMeTimer !== null) clearTimeout(notMeTimer);
  notMeTimer = null;
  notMe.hidden = true;
}

/** "Not me" on the shown greeting of a fresh punch, until notMeMs after it (the server refuses later ones too). */
function showNotMe(g: TrackedBanner<Shown>): void {
  hideNotMe();
  const { punchId, notMeUntil } = g.banner;
  const left = punchId === undefined || notMeUntil === undefined ? 0 : notMeUntil - Date.now();
  if (left <= 0) return;
  replace(notMe, t('notme.button'));
  notMe.onclick = () => void voidAsNotMe(g.track, punchId as number);
  notMe.hidden = false;
  notMeTimer = setTimeout(hideNotMe, left);
}

/** Voids the punch; its face's banner says so, and the fallback is offered. */
async function voidAsNotMe(track: number, punchId: number): Promise<void> {
  hideNotMe();
  const r = await socket.timeout(NOT_ME_ACK_MS).emitWithAck('punch:not-me', { punchId }).catch(() => null);
  if (r === null || !r.ok) return greet(track, { tone: 'warn', title: t('notme.late'), detail: '', sound: 'refuse' });
  greet(track, { tone: 'warn', title: t('notme.voided'), detail: '', sound: null });
  fallback.open(t('notme.offer'));
}

// ---------- status ----------

function refreshStatus(): void {
  let text: string | null = null;
  let state: string = camera?.state ?? 'unknown';
  if (!connected) {
    text = t('socket.offline');
    state = 'offline';
  } else if (recording !== null && !recording.recording) {
    // Ahead of the camera: a kiosk that cannot record must not look as if it were checking people in.
    text = t('recording.off');
    state = 'not-recording';
  } else if (camera !== null && camera.state !== 'running') text = t(`camera.${camera.state}`);
  statusLine.hidden = text === null;
  statusLine.dataset.state = state;
  replace(statusLine, text ?? '');
}

function refreshIdle(): void {
  idleHint.hidden = !banner.hidden || menu.isOpen || fallback.isOpen;
}

function refreshTexts(): void {
  document.documentElement.lang = config.language;
  document.title = t('kiosk.title');
  replace(menuButton, `☰ ${t('kiosk.menu')}`);
  replace(idleHint, t('kiosk.idle'));
  replace(fallbackButton, t('fallback.open'));
  fallbackButton.hidden = !config.paired;
  refreshStatus();
}

function tick(): void {
  replace(clock, formatTime(Date.now(), config.language, config.timeZone));
}

// ---------- socket ----------

socket.on('connect', () => {
  connected = true;
  refreshStatus();
});
socket.on('disconnect', () => {
  connected = false;
  preview.clear();
  menu.locked();
  refreshStatus();
});
socket.on('hello', (cfg, cam) => {
  config = cfg;
  t = translator(cfg.language);
  beeper.enabled = cfg.sound;
  camera = cam;
  if (!cfg.paired) {
    preview.clear();
    if (menu.isOpen) menu.locked();
    if (fallback.isOpen) fallback.close();
  }
  device.show(cfg);
  refreshTexts();
  tick();
});
socket.on('camera', (cam) => {
  camera = cam;
  if (cam.state !== 'running') preview.clear();
  refreshStatus();
});
socket.on('recording', (r) => {
  recording = r;
  refreshStatus();
});
socket.on('preview', (frame) => {
  lastPreviewAt = Date.now();
  preview.push(frame);
});
socket.on('decision', onDecision);
socket.on('enrollment:progress', (p) => menu.progress(p));
socket.on('enrollment:captured', (c) => menu.captured(c));
socket.on('enrollment:failed', (f) => menu.failed(f));
socket.on('menu:locked', () => menu.locked());

menuButton.addEventListener('click', () => (menu.isOpen ? menu.close() : menu.open()));
fallbackButton.addEventListener('click', () => (fallback.isOpen ? fallback.close() : fallback.open()));

refreshTexts();
tick();
setInterval(tick, CLOCK_TICK_MS);
// For tests and diagnostics: how many frames were drawn.
// `shown()`: the last frame drawn (capture ts, faces with their text), and the greeting's track and title.
Object.assign(window, {
  kioskDebug: {
    frames: () => preview.frames,
    shown: () => ({
      ts: preview.ts,
      faces: preview.drawn,
      banner: banner.hidden ? null : { track: shown?.track ?? null, title: byId('banner-title').textContent },
    }),
  },
});
