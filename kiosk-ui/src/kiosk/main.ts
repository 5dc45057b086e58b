/** The kiosk screen: live preview, a greeting or refusal per decision, camera state, and the menu. */
import type { CameraStatusDto, DecisionDto, KioskConfigDto, RecordingStatusDto } from '../../../src/server/protocol.ts';
import { byId, replace } from '../dom.ts';
import { translator, type Translate } from '../i18n.ts';
import { connectKiosk } from '../socket.ts';
import { formatTime } from '../text.ts';
import { decisionBanner, type Banner } from './greeting.ts';
import { DevicePanel } from './device.ts';
import { FallbackPanel } from './fallback.ts';
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

const notMe = byId<HTMLButtonElement>('not-me');
const fallbackButton = byId<HTMLButtonElement>('fallback-button');
const fallback = new FallbackPanel({
  socket,
  panel: byId('fallback'),
  t: () => t,
  onPunched: (r) => enqueue({ tone: 'ok', title: r.name, detail: t('fallback.done', { time: formatTime(r.ts, config.language, config.timeZone) }), sound: 'ok' }),
  onOpenChange: (open) => {
    document.body.classList.toggle('menu-open', open);
    refreshIdle();
  },
});

// ---------- greeting queue ----------

/** A greeting of a punch just made offers "Not me" until this time (ms epoch, screen clock). */
type Shown = Banner & { punchId?: number; notMeUntil?: number };

const queue: Shown[] = [];
let notMeTimer: ReturnType<typeof setTimeout> | null = null;

/** "Not me" stays on the greeting of a fresh punch for notMeMs, then goes (the server refuses later ones too). */
function showNotMe(b: Shown): void {
  if (notMeTimer !== null) clearTimeout(notMeTimer);
  notMeTimer = null;
  const left = b.punchId === undefined || b.notMeUntil === undefined ? 0 : b.notMeUntil - Date.now();
  notMe.hidden = left <= 0;
  if (left <= 0) return;
  replace(notMe, t('notme.button'));
  notMe.onclick = () => void voidAsNotMe(b.punchId as number);
  notMeTimer = setTimeout(() => (notMe.hidden = true), left);
}

async function voidAsNotMe(punchId: number): Promise<void> {
  notMe.hidden = true;
  const r = await socket.timeout(10_000).emitWithAck('punch:not-me', { punchId }).catch(() => null);
  if (r === null || !r.ok) {
    enqueue({ tone: 'warn', title: t('notme.late'), detail: '', sound: 'refuse' });
    return;
  }
  if (bannerTimer !== null) clearTimeout(bannerTimer);
  queue.unshift({ tone: 'warn', title: t('notme.voided'), detail: '', sound: null });
  showNext();
  fallback.open(t('notme.offer'));
}
let bannerTimer: ReturnType<typeof setTimeout> | null = null;
let bannerShownAt = 0;

function showNext(): void {
  const next = queue.shift();
  if (next === undefined) {
    banner.hidden = true;
    notMe.hidden = true;
    document.body.classList.remove('banner-shown');
    bannerTimer = null;
    refreshIdle();
    return;
  }
  banner.className = `banner ${next.tone}`;
  replace(byId('banner-title'), next.title);
  replace(byId('banner-detail'), next.detail);
  banner.hidden = false;
  document.body.classList.add('banner-shown');
  showNotMe(next);
  bannerShownAt = Date.now();
  if (next.sound !== null) beeper.play(next.sound);
  refreshIdle();
  bannerTimer = setTimeout(showNext, config.greetingMs);
}

function enqueue(b: Shown): void {
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
socket.on('preview', (frame) => preview.push(frame));
socket.on('decision', (d: DecisionDto) => {
  const b: Shown = decisionBanner(d, t, config.language, config.timeZone);
  if (d.punchId !== undefined) Object.assign(b, { punchId: d.punchId, notMeUntil: Date.now() + config.notMeMs });
  enqueue(b);
});
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
Object.assign(window, { kioskDebug: { frames: () => preview.frames } });
