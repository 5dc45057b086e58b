/** Admin pages: first-run setup, login, then tabs over the attendance data. Language switchable, remembered per browser. */
import type { AuthStateDto, HubLinkDto, HubLinkReplyDto, Language, PersonDto, SettingsDto } from '../../../src/server/protocol.ts';
import { byId, h, replace } from '../dom.ts';
import { translator, type Translate } from '../i18n.ts';
import { connectAdmin, type AdminSocket } from '../socket.ts';
import { api, ApiError, describeError, setUnauthorizedHandler } from './api.ts';
import type { AdminCtx } from './context.ts';
import { accessView } from './views/access.ts';
import { auditView } from './views/audit.ts';
import { dailyView } from './views/daily.ts';
import { hubBanner, hubLinkPanel } from './views/hub-link.ts';
import { logView } from './views/log.ts';
import { peopleView } from './views/people.ts';
import { settingsView } from './views/settings.ts';
import { kioskShifts, shiftsView } from './views/shifts.ts';
import { sightingsView } from './views/sightings.ts';
import { timesheetView } from './views/timesheet.ts';
import { todayView } from './views/today.ts';
import { field, tabNav } from './widgets.ts';
import './admin.css';

const LANG_KEY = 'kiosk.admin.lang';
const MS_PER_MINUTE = 60_000;
const FLASH_MS = 3000;

type Tab = 'log' | 'daily' | 'today' | 'timesheet' | 'people' | 'shifts' | 'sightings' | 'settings' | 'access' | 'audit';
const TABS: Tab[] = ['log', 'daily', 'today', 'timesheet', 'people', 'shifts', 'sightings', 'settings', 'access', 'audit'];
const LOGGED_OUT: AuthStateDto = { setupNeeded: false, authenticated: false, username: null, pinFromConfig: false, pinResetRequired: false };

const root = byId('app');
let lang: Language = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
let t: Translate = translator(lang);
let auth: AuthStateDto | null = null;
let tab: Tab = TABS.includes(location.hash.slice(1) as Tab) ? (location.hash.slice(1) as Tab) : 'log';
let socket: AdminSocket | null = null;
let timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let peopleCache: Promise<PersonDto[]> | null = null;
let logListeners: (() => void)[] = [];
let notice: { text: string; kind: 'error' | 'ok' } | null = null;
/** This kiosk's link to its hub; null in single-kiosk mode. Kept current by the socket's `hub:status`. */
let hubLink: HubLinkDto | null = null;

function setLang(next: Language): void {
  lang = next;
  t = translator(lang);
  localStorage.setItem(LANG_KEY, lang);
  void render();
}

function langSwitch(): HTMLElement {
  return h('span', { class: 'lang', role: 'group', 'aria-label': t('admin.language') },
    ...(['vi', 'en'] as const).map((l) => h('button', { type: 'button', class: l === lang ? 'btn small active' : 'btn small', 'data-testid': `lang-${l}`, onclick: () => setLang(l) }, l.toUpperCase())),
  );
}

function noticeLine(): HTMLElement | null {
  if (notice === null) return null;
  return h('p', { class: notice.kind === 'error' ? 'notice error' : 'notice ok', role: notice.kind === 'error' ? 'alert' : 'status', 'data-testid': 'notice' }, notice.text);
}

function showNotice(text: string, kind: 'error' | 'ok'): void {
  notice = { text, kind };
  const old = root.querySelector('.notice');
  const line = noticeLine();
  if (line === null) return;
  if (old !== null) old.replaceWith(line);
  else root.querySelector('main')?.prepend(line);
  if (kind === 'ok') setTimeout(() => {
    if (notice?.text === text) {
      notice = null;
      line.remove();
    }
  }, FLASH_MS);
}

/** Puts the banner and (on the settings tab) the panel in step with `hubLink`, without re-rendering the tab. */
function showHubLink(): void {
  const slot = root.querySelector('.hub-banner-slot');
  if (slot === null) return;
  const banner = hubBanner(t, hubLink);
  slot.replaceChildren(...(banner === null ? [] : [banner]));
  const panel = root.querySelector('[data-testid="hub-link"]');
  if (panel !== null && hubLink !== null) panel.replaceWith(hubLinkPanel(t, lang, timeZone, hubLink));
}

// ---------- setup and login ----------

function authForm(kind: 'setup' | 'login', message: string | null): HTMLElement {
  const username = h('input', { type: 'text', id: 'username', autocomplete: 'username', required: true, 'data-autofocus': true });
  const password = h('input', { type: 'password', id: 'password', autocomplete: kind === 'setup' ? 'new-password' : 'current-password', required: true });
  const repeat = h('input', { type: 'password', id: 'password2', autocomplete: 'new-password' });
  const pin = h('input', { type: 'password', id: 'pin', inputmode: 'numeric', autocomplete: 'off', maxlength: 12 });
  const setupCode = h('input', { type: 'text', id: 'setup-code', autocomplete: 'off', autocapitalize: 'characters', spellcheck: false, maxlength: 20 });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    if (kind === 'setup' && password.value !== repeat.value) return replace(error, t('admin.passwordMismatch'));
    try {
      const body: Record<string, string> = { username: username.value, password: password.value };
      if (kind === 'setup' && !(auth?.pinFromConfig ?? false)) body.pin = pin.value;
      if (kind === 'setup') body.setupCode = setupCode.value;
      await api('POST', `/api/auth/${kind}`, body);
      notice = null;
      await start();
    } catch (err) {
      if (err instanceof ApiError && err.body.error === 'bad-credentials') replace(error, t('admin.badCredentials'));
      else if (err instanceof ApiError && err.body.error === 'bad-setup-code') replace(error, t('admin.badSetupCode'));
      else if (err instanceof ApiError && err.status === 429) replace(error, t('admin.rateLimited', { minutes: Math.max(1, Math.ceil((err.body.retryAfterMs ?? 0) / MS_PER_MINUTE)) }));
      else replace(error, t('admin.error', { message: describeError(err) }));
    }
  };
  return h('form', { class: 'auth', onsubmit: (ev) => void submit(ev), 'data-testid': `${kind}-form` },
    h('h1', {}, t(kind === 'setup' ? 'admin.setupTitle' : 'admin.loginTitle')),
    kind === 'setup' ? h('p', { class: 'muted' }, t('admin.setupIntro')) : null,
    kind === 'setup' ? field(t('admin.setupCode'), setupCode) : null,
    field(t('admin.username'), username),
    field(t('admin.password'), password),
    kind === 'setup' ? field(t('admin.passwordRepeat'), repeat) : null,
    kind === 'setup' && !(auth?.pinFromConfig ?? false) ? field(t('admin.pin'), pin) : null,
    error,
    h('button', { type: 'submit', class: 'btn primary', 'data-testid': `${kind}-submit` }, t(kind === 'setup' ? 'admin.create' : 'admin.login')),
  );
}

// ---------- logged in ----------

function ctx(): AdminCtx {
  return {
    t,
    lang,
    timeZone,
    people: () => (peopleCache ??= api<{ items: PersonDto[] }>('GET', '/api/admin/people?includeInactive=true').then((r) => r.items)),
    refreshPeople: () => {
      peopleCache = null;
    },
    onLogChanged: (fn) => logListeners.push(fn),
    error: (m) => showNotice(m, 'error'),
    flash: (m) => showNotice(m, 'ok'),
  };
}

function view(c: AdminCtx): HTMLElement {
  switch (tab) {
    case 'log':
      return logView(c);
    case 'daily':
      return dailyView(c);
    case 'today':
      return todayView(c);
    case 'timesheet':
      return timesheetView(c);
    case 'people':
      return peopleView(c);
    case 'shifts':
      return shiftsView(c, kioskShifts);
    case 'sightings':
      return sightingsView(c);
    case 'settings':
      return settingsView(c, auth ?? { ...LOGGED_OUT, authenticated: true }, hubLink === null ? null : hubLinkPanel(c.t, c.lang, c.timeZone, hubLink));
    case 'access':
      return accessView(c, () => void start());
    case 'audit':
      return auditView(c);
  }
}

async function logout(): Promise<void> {
  try {
    await api('POST', '/api/admin/logout');
  } catch {
    // Already logged out: the login form follows either way.
  }
  socket?.disconnect();
  socket = null;
  await start();
}

function connectLive(): void {
  if (socket !== null) return;
  socket = connectAdmin();
  socket.on('log:changed', () => {
    peopleCache = null;
    for (const fn of logListeners) fn();
  });
  socket.on('hub:status', (s) => {
    hubLink = s;
    showHubLink();
  });
  socket.on('session:ended', () => {
    socket?.disconnect();
    socket = null;
    notice = { text: t('admin.sessionEnded'), kind: 'error' };
    void start();
  });
}

async function render(): Promise<void> {
  document.documentElement.lang = lang;
  document.title = t('admin.title');
  logListeners = [];
  if (auth === null) return;
  if (auth.setupNeeded) return replace(root, h('div', { class: 'auth-wrap' }, langSwitch(), authForm('setup', null)));
  if (!auth.authenticated) return replace(root, h('div', { class: 'auth-wrap' }, langSwitch(), authForm('login', notice?.text ?? null)));
  const c = ctx();
  replace(
    root,
    h('header', { class: 'bar' },
      h('strong', { class: 'brand' }, t('admin.title')),
      tabNav(t, TABS, tab, (x) => {
        tab = x;
        void render();
      }),
      h('span', { class: 'who' }, t('admin.loggedInAs', { name: auth.username ?? '' })),
      langSwitch(),
      h('button', { type: 'button', class: 'btn small', 'data-testid': 'logout', onclick: () => void logout() }, t('admin.logout')),
    ),
    h('main', {}, h('div', { class: 'hub-banner-slot' }, hubBanner(t, hubLink)), noticeLine(), view(c)),
  );
}

async function start(): Promise<void> {
  try {
    auth = await api<AuthStateDto>('GET', '/api/auth/state');
    if (auth.authenticated) {
      // An old short PIN no longer opens the kiosk menu: the admin sets a new one first.
      if (auth.pinResetRequired) {
        tab = 'settings';
        notice = { text: t('admin.pinResetRequired'), kind: 'error' };
      }
      const [s, link] = await Promise.all([api<SettingsDto>('GET', '/api/admin/settings'), api<HubLinkReplyDto>('GET', '/api/admin/hub-link')]);
      timeZone = s.timeZone;
      hubLink = link.hub;
      peopleCache = null;
      connectLive();
    }
  } catch (err) {
    auth = auth ?? LOGGED_OUT;
    notice = { text: describeError(err), kind: 'error' };
  }
  await render();
  root.querySelector<HTMLElement>('[data-autofocus]')?.focus();
}

setUnauthorizedHandler(() => {
  if (auth?.authenticated !== true) return;
  auth = { ...auth, authenticated: false };
  notice = { text: t('admin.sessionEnded'), kind: 'error' };
  socket?.disconnect();
  socket = null;
  void render();
});

void start();
