/**
 * The hub's admin page: log in (accounts made with `kiosk hub add-admin`), then the attendance log,
 * timesheet, daily summary and "who is in" of every kiosk (the kiosk's own report views, with the hub's
 * kiosk/site filter and its people in the person filter), the kiosks themselves, the people they share, the shared shifts, the admin
 * accounts, the audit trail and the sightings. The navigation lists only the views the hub serves.
 * Language switchable, remembered per browser (as on the kiosk's pages).
 */
import type { HubAdminStateDto, HubSettingsDto } from '../../../src/hub/admin-dto.ts';
import type { Language } from '../../../src/server/protocol.ts';
import { byId, h, replace } from '../dom.ts';
import { translator, type MessageKey, type Translate } from '../i18n.ts';
import { api, ApiError, describeError, setUnauthorizedHandler } from '../admin/api.ts';
import { field, tabNav } from '../admin/widgets.ts';
import { dailyView } from '../admin/views/daily.ts';
import { timesheetView } from '../admin/views/timesheet.ts';
import { todayView } from '../admin/views/today.ts';
import type { HubViewCtx } from './context.ts';
import { hubKiosksView } from './kiosks.ts';
import { hubLogView } from './log.ts';
import { hubPeopleView, hubReportPeople } from './people.ts';
import { hubScope } from './scope.ts';
import { hubShiftsView } from './shifts.ts';
import { hubAccessView, hubAuditView, hubSightingsView } from './trail.ts';
import '../admin/admin.css';

const LANG_KEY = 'kiosk.hub.lang';
const MS_PER_MINUTE = 60_000;
const FLASH_MS = 4_000;
const TABS = ['log', 'timesheet', 'daily', 'today', 'kiosks', 'people', 'shifts', 'access', 'audit', 'sightings'] as const;
type Tab = (typeof TABS)[number];
const VIEWS: Record<Tab, (c: HubViewCtx) => HTMLElement> = {
  log: hubLogView,
  // The kiosk's report views, over every kiosk, with the hub's kiosk/site filter (and its people, by uid).
  timesheet: (c) => timesheetView({ ...c, people: hubReportPeople, scope: hubScope(c, { testId: 'timesheet' }) }),
  daily: (c) => dailyView({ ...c, people: hubReportPeople, scope: hubScope(c, { testId: 'daily' }) }),
  today: (c) => todayView({ ...c, scope: hubScope(c, { testId: 'today' }) }),
  kiosks: hubKiosksView,
  people: hubPeopleView,
  shifts: hubShiftsView,
  access: (c) => hubAccessView(c, () => void start()),
  audit: hubAuditView,
  sightings: hubSightingsView,
};
// The kiosk's Access tab holds screens too; the hub's holds only its admins.
const tabLabel = (x: Tab): MessageKey => (x === 'access' ? 'hub.tab.access' : `tab.${x}`);

const root = byId('app');
const stored = localStorage.getItem(LANG_KEY);
let lang: Language = stored === 'en' || stored === 'vi' ? stored : 'vi';
let t: Translate = translator(lang);
let auth: HubAdminStateDto | null = null;
let timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let notice: string | null = null;
let tab: Tab = TABS.find((x) => `#${x}` === location.hash) ?? 'log';

function setLang(next: Language): void {
  lang = next;
  t = translator(lang);
  localStorage.setItem(LANG_KEY, lang);
  render();
}

function langSwitch(): HTMLElement {
  return h('span', { class: 'lang', role: 'group', 'aria-label': t('admin.language') },
    ...(['vi', 'en'] as const).map((l) => h('button', { type: 'button', class: l === lang ? 'btn small active' : 'btn small', 'data-testid': `lang-${l}`, onclick: () => setLang(l) }, l.toUpperCase())),
  );
}

function showNotice(text: string, kind: 'error' | 'ok'): void {
  const line = h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': 'notice' }, text);
  const old = root.querySelector('main > .notice');
  if (old !== null) old.replaceWith(line);
  else root.querySelector('main')?.prepend(line);
  if (kind === 'ok') setTimeout(() => line.remove(), FLASH_MS);
}

function view(): HTMLElement {
  const ctx: HubViewCtx = { t, lang, timeZone, error: (m) => showNotice(m, 'error'), flash: (m) => showNotice(m, 'ok') };
  return VIEWS[tab](ctx);
}

function loginForm(): HTMLElement {
  const username = h('input', { type: 'text', id: 'username', autocomplete: 'username', required: true, 'data-autofocus': true });
  const password = h('input', { type: 'password', id: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, notice ?? '');
  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    try {
      await api('POST', '/api/auth/login', { username: username.value, password: password.value });
      notice = null;
      await start();
    } catch (err) {
      if (err instanceof ApiError && err.body.error === 'bad-credentials') replace(error, t('admin.badCredentials'));
      else if (err instanceof ApiError && err.status === 429) replace(error, t('admin.rateLimited', { minutes: Math.max(1, Math.ceil((err.body.retryAfterMs ?? 0) / MS_PER_MINUTE)) }));
      else replace(error, t('admin.error', { message: describeError(err) }));
    }
  };
  return h('form', { class: 'auth', onsubmit: (ev) => void submit(ev), 'data-testid': 'login-form' },
    h('h1', {}, t('admin.loginTitle')),
    h('p', { class: 'muted' }, t('hub.title')),
    field(t('admin.username'), username),
    field(t('admin.password'), password),
    error,
    h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'login-submit' }, t('admin.login')),
  );
}

async function logout(): Promise<void> {
  try {
    await api('POST', '/api/admin/logout');
  } catch {
    // Already logged out: the login form follows either way.
  }
  await start();
}

function render(): void {
  document.documentElement.lang = lang;
  document.title = t('hub.title');
  if (auth === null) return;
  if (!auth.authenticated) {
    replace(root, h('div', { class: 'auth-wrap' }, langSwitch(), loginForm()));
    root.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return;
  }
  replace(
    root,
    h('header', { class: 'bar' },
      h('strong', { class: 'brand' }, t('hub.title')),
      tabNav(t, TABS, tab, (x) => {
        tab = x;
        render();
      }, tabLabel),
      h('span', { class: 'who' }, t('admin.loggedInAs', { name: auth.username ?? '' })),
      langSwitch(),
      h('button', { type: 'button', class: 'btn small', 'data-testid': 'logout', onclick: () => void logout() }, t('admin.logout')),
    ),
    h('main', {}, view()),
  );
}

async function start(): Promise<void> {
  try {
    auth = await api<HubAdminStateDto>('GET', '/api/auth/state');
    if (auth.authenticated) {
      const s = await api<HubSettingsDto>('GET', '/api/admin/settings');
      timeZone = s.timeZone;
      if (localStorage.getItem(LANG_KEY) === null) {
        lang = s.language;
        t = translator(lang);
      }
    }
  } catch (err) {
    auth = auth ?? { authenticated: false, username: null };
    notice = describeError(err);
  }
  render();
}

setUnauthorizedHandler(() => {
  if (auth?.authenticated !== true) return;
  auth = { authenticated: false, username: null };
  notice = t('admin.sessionEnded');
  render();
});

void start();
