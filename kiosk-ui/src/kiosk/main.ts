/** The kiosk screen: live preview, a greeting or refusal per decision, camera state, and the menu. */
import type { CameraStatusDto, DecisionDto, KioskConfigDto, RecordingStatusDto } from '../../../src/server/protocol.ts';
import { byId, replace } from '../dom.ts';
import { translator, type Translate } from '../i18n.ts';
import { connectKiosk } from '../socket.ts';
import { formatTime } from '../text.ts';
import { decisionBanner, type Banner } from './greeting.ts';
import { DevicePanel } from './device.ts';
import { KioskMenu } from './menu.ts';
import { PreviewRenderer } from './preview.ts';
import { Beeper } from './sound.ts';
import './kiosk.css';

/** When several people are decided at once, each greeting stays at least this long. */
const MIN_BANNER_MS = 1500;
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
const preview = new PreviewRenderer(byId<HTMLCanvasElement>('preview'), (label) =>
  label === 'unknown' ? t('preview.unknown') : label === 'spoof' ? t('preview.spoof') : label,
);
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

// ---------- greeting queue ----------

const queue: Banner[] = [];
let bannerTimer: ReturnType<typeof setTimeout> | null = null;
let bannerShownAt = 0;

function showNext(): void {
  const next = queue.shift();
  if (next === undefined) {
    banner.hidden = true;
    bannerTimer = null;
    refreshIdle();
    return;
  }
  banner.className = `banner ${next.tone}`;
  replace(byId('banner-title'), next.title);
  replace(byId('banner-detail'), next.detail);
  banner.hidden = false;
  bannerShownAt = Date.now();
  if (next.sound !== null) beeper.play(next.sound);
  refreshIdle();
  bannerTimer = setTimeout(showNext, config.greetingMs);
}

function enqueue(b: Banner): void {
  queue.push(b);
  if (bannerTimer === null) return showNext();
  // Someone is waiting: shorten the current greeting to the minimum.
  const left = Math.max(0, MIN_BANNER_MS - (Date.now() - bannerShownAt));
  clearTimeout(bannerTimer);
  bannerTimer = setTimeout(showNext, left);
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
socket.on('preview', (frame) => preview.push(frame));
socket.on('decision', (d: DecisionDto) => enqueue(decisionBanner(d, t, config.language, config.timeZone)));
socket.on('enrollment:progress', (p) => menu.progress(p));
socket.on('enrollment:captured', (c) => menu.captured(c));
socket.on('enrollment:failed', (f) => menu.failed(f));
socket.on('menu:locked', () => menu.locked());

menuButton.addEventListener('click', () => (menu.isOpen ? menu.close() : menu.open()));

refreshTexts();
tick();
setInterval(tick, CLOCK_TICK_MS);
// For tests and diagnostics: how many frames were drawn.
Object.assign(window, { kioskDebug: { frames: () => preview.frames } });
