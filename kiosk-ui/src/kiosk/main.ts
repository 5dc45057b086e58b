/** The kiosk screen: live preview, a greeting or refusal per decision, camera state, and the menu. */
import type { CameraStatusDto, DecisionDto, KioskConfigDto, RecordingStatusDto } from '../../../src/server/protocol.ts';
import { byId, replace } from '../dom.ts';
import { translator, type Translate } from '../i18n.ts';
import { connectKiosk } from '../socket.ts';
import { formatTime } from '../text.ts';
import { decisionBanner, faceLabel, type Banner } from './greeting.ts';
import { TrackBanners } from './track-banners.ts';
import { DevicePanel } from './device.ts';
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

// ---------- greetings, bound to their faces ----------

/** Without preview frames for this long, the screen cannot tell who is in view: greetings just time out. */
const PREVIEW_STALE_MS = 2000;

const greetings = new TrackBanners<Banner>(() => config.greetingMs);
let shownTrack: number | null = null;
let lastPreviewAt = 0;
let bannerTimer: ReturnType<typeof setTimeout> | null = null;

/** Shows the greeting of the main face in view (or none); runs on every drawn frame and decision. */
function refreshBanner(): void {
  const now = Date.now();
  const fresh = now - lastPreviewAt < PREVIEW_STALE_MS;
  const next = greetings.select(fresh ? preview.faces : null, now);
  if (bannerTimer !== null) clearTimeout(bannerTimer);
  bannerTimer = next === null ? null : setTimeout(refreshBanner, Math.max(0, next.at + config.greetingMs - now));
  if (next === null) {
    banner.hidden = true;
    shownTrack = null;
    refreshIdle();
    return;
  }
  if (shownTrack === next.track && !banner.hidden) return;
  banner.className = `banner ${next.banner.tone}`;
  replace(byId('banner-title'), next.banner.title);
  replace(byId('banner-detail'), next.banner.detail);
  banner.dataset.track = String(next.track);
  banner.hidden = false;
  shownTrack = next.track;
  refreshIdle();
}

function onDecision(d: DecisionDto): void {
  const b = decisionBanner(d, t, config.language, config.timeZone);
  if (b.sound !== null) beeper.play(b.sound);
  greetings.add(d.track, b, Date.now());
  shownTrack = null;
  refreshBanner();
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
  idleHint.hidden = !banner.hidden || menu.isOpen;
}

function refreshTexts(): void {
  document.documentElement.lang = config.language;
  document.title = t('kiosk.title');
  replace(menuButton, `☰ ${t('kiosk.menu')}`);
  replace(idleHint, t('kiosk.idle'));
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
      banner: banner.hidden ? null : { track: shownTrack, title: byId('banner-title').textContent },
    }),
  },
});
