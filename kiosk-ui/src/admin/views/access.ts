/**
 * Admins & screens: my password, the admin accounts (add, disable, enable, remove) and the paired kiosk
 * screens. The hub's admin page shows the same accounts part (its API answers the same shapes): no
 * screens, and accounts are disabled rather than removed (`opts`).
 */
import type { AdminAccountDto, DisplayDto, PairingCodeDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatDateTime } from '../../text.ts';
import { api, ApiError, describeError } from '../api.ts';
import type { ViewCtx } from '../context.ts';
import { field, table } from '../widgets.ts';

export interface AccessOptions {
  /** The kiosk's paired screens. */
  screens: boolean;
  /** A remove button beside disable. */
  remove: boolean;
}

export function accessView(ctx: ViewCtx, onSelfGone: () => void, opts: AccessOptions = { screens: true, remove: true }): HTMLElement {
  const { t } = ctx;
  const admins = h('div', { class: 'results' });
  const screens = h('div', { class: 'results' });
  const issued = h('p', { class: 'notice ok', role: 'status', 'data-testid': 'pairing-code', hidden: true });
  const when = (ts: number): string => formatDateTime(ts, ctx.lang, ctx.timeZone);
  const refusal = (err: unknown): string | null => {
    if (!(err instanceof ApiError)) return null;
    if (err.body.error === 'last-admin') return t('access.lastAdmin');
    return err.body.error === 'self' ? t('hub.access.notSelf') : null;
  };
  const failed = (err: unknown): void => ctx.error(refusal(err) ?? describeError(err));

  async function loadAdmins(): Promise<void> {
    try {
      const r = await api<{ items: AdminAccountDto[] }>('GET', '/api/admin/admins');
      const rows = r.items.map((a) =>
        h('tr', { 'data-admin': a.username, class: a.disabled ? 'is-voided' : undefined },
          h('td', {}, a.username, a.self ? h('span', { class: 'tag' }, t('access.you')) : null, a.disabled ? h('span', { class: 'tag voided' }, t('access.disabled')) : null),
          h('td', { class: 'nowrap' }, when(a.createdAt)),
          h('td', { class: 'nowrap' }, a.lastLoginAt === null ? t('access.never') : when(a.lastLoginAt)),
          h('td', { class: 'nowrap' },
            h('button', { type: 'button', class: 'btn small', 'data-testid': `admin-toggle-${a.username}`, onclick: () => void setDisabled(a, !a.disabled) }, t(a.disabled ? 'access.enable' : 'access.disable')),
            opts.remove ? ' ' : null,
            opts.remove ? h('button', { type: 'button', class: 'btn small danger', 'data-testid': `admin-remove-${a.username}`, onclick: () => void remove(a) }, t('access.remove')) : null,
          ),
        ),
      );
      replace(admins, table([t('admin.username'), t('access.created'), t('access.lastLogin'), ''], rows, '', 'admins-table'));
    } catch (err) {
      failed(err);
    }
  }

  async function setDisabled(a: AdminAccountDto, disabled: boolean): Promise<void> {
    try {
      await api('PUT', `/api/admin/admins/${a.id}/disabled`, { disabled });
      if (a.self && disabled) return onSelfGone();
      await loadAdmins();
    } catch (err) {
      failed(err);
    }
  }

  async function remove(a: AdminAccountDto): Promise<void> {
    if (!window.confirm(t('access.removeConfirm', { name: a.username }))) return;
    try {
      await api('DELETE', `/api/admin/admins/${a.id}`);
      if (a.self) return onSelfGone();
      await loadAdmins();
    } catch (err) {
      failed(err);
    }
  }

  async function loadScreens(): Promise<void> {
    try {
      const r = await api<{ items: DisplayDto[] }>('GET', '/api/admin/displays');
      const rows = r.items.map((d) =>
        h('tr', { 'data-display': d.name },
          h('td', {}, d.name),
          h('td', { class: 'nowrap' }, when(d.createdAt)),
          h('td', {}, d.createdBy),
          h('td', { class: 'num' }, d.connected),
          h('td', {}, h('button', { type: 'button', class: 'btn small danger', onclick: () => void unpair(d) }, t('access.unpair'))),
        ),
      );
      replace(screens, table([t('access.screenName'), t('access.pairedAt'), t('access.pairedBy'), t('access.connected'), ''], rows, t('access.noScreens'), 'screens-table'));
    } catch (err) {
      failed(err);
    }
  }

  async function unpair(d: DisplayDto): Promise<void> {
    if (!window.confirm(t('access.unpairConfirm', { name: d.name }))) return;
    try {
      await api('DELETE', `/api/admin/displays/${d.id}`);
      await loadScreens();
    } catch (err) {
      failed(err);
    }
  }

  const current = h('input', { type: 'password', autocomplete: 'current-password', 'data-testid': 'current-password' });
  const next = h('input', { type: 'password', autocomplete: 'new-password', 'data-testid': 'new-password' });
  const repeat = h('input', { type: 'password', autocomplete: 'new-password', 'data-testid': 'new-password2' });
  async function changePassword(ev: Event): Promise<void> {
    ev.preventDefault();
    if (next.value !== repeat.value) return ctx.error(t('admin.passwordMismatch'));
    try {
      await api('PUT', '/api/admin/password', { currentPassword: current.value, newPassword: next.value });
      current.value = next.value = repeat.value = '';
      ctx.flash(t('access.passwordChanged'));
    } catch (err) {
      if (err instanceof ApiError && err.body.error === 'bad-credentials') ctx.error(t('access.wrongPassword'));
      else failed(err);
    }
  }

  const newName = h('input', { type: 'text', autocomplete: 'off', 'data-testid': 'new-admin-username' });
  const newPassword = h('input', { type: 'password', autocomplete: 'new-password', 'data-testid': 'new-admin-password' });
  async function addAdmin(ev: Event): Promise<void> {
    ev.preventDefault();
    try {
      await api('POST', '/api/admin/admins', { username: newName.value, password: newPassword.value });
      ctx.flash(t('access.added', { name: newName.value }));
      newName.value = newPassword.value = '';
      await loadAdmins();
    } catch (err) {
      failed(err);
    }
  }

  const screenName = h('input', { type: 'text', autocomplete: 'off', 'data-testid': 'screen-name' });
  async function issueCode(ev: Event): Promise<void> {
    ev.preventDefault();
    try {
      const r = await api<PairingCodeDto>('POST', '/api/admin/displays/pairing-codes', { name: screenName.value });
      replace(issued, t('access.codeIssued', { code: r.code, time: when(r.expiresAt) }));
      issued.dataset.code = r.code;
      issued.hidden = false;
    } catch (err) {
      failed(err);
    }
  }

  void loadAdmins();
  if (opts.screens) void loadScreens();
  return h('section', { class: opts.screens ? 'view two-col' : 'view' },
    h('div', { class: 'settings' },
      h('h2', {}, t('access.adminsTitle')),
      admins,
      h('form', { class: 'stack', onsubmit: (ev) => void addAdmin(ev), 'data-testid': 'add-admin-form' },
        h('h3', {}, t('access.addTitle')),
        field(t('admin.username'), newName),
        field(t('admin.password'), newPassword),
        h('button', { type: 'submit', class: 'btn primary' }, t('access.add')),
      ),
      h('form', { class: 'stack', onsubmit: (ev) => void changePassword(ev), 'data-testid': 'password-form' },
        h('h3', {}, t('access.passwordTitle')),
        field(t('access.currentPassword'), current),
        field(t('access.newPassword'), next),
        field(t('admin.passwordRepeat'), repeat),
        h('button', { type: 'submit', class: 'btn' }, t('access.changePassword')),
      ),
    ),
    !opts.screens ? null : h('div', { class: 'settings' },
      h('h2', {}, t('access.screensTitle')),
      h('p', { class: 'muted' }, t('access.screensIntro')),
      screens,
      h('form', { class: 'stack', onsubmit: (ev) => void issueCode(ev), 'data-testid': 'pairing-form' },
        field(t('access.screenName'), screenName),
        h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'issue-code' }, t('access.issueCode')),
      ),
      issued,
    ),
  );
}
