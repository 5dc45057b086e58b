/**
 * The hub's Kiosks tab: every kiosk with its pairing state and what it last reported (last seen,
 * outbox depth, lag, clock offset, a clock that is off); add a kiosk, issue a new pairing code,
 * revoke one. A pairing code is shown once, with its expiry: the hub keeps only its hash.
 */
import type { HubKioskStatusDto, HubPairingDto } from '../../../src/hub/admin-dto.ts';
import { h, replace } from '../dom.ts';
import type { MessageKey } from '../i18n.ts';
import { formatDateTime } from '../text.ts';
import { api, describeError } from '../admin/api.ts';
import { field, table } from '../admin/widgets.ts';
import type { HubViewCtx } from './context.ts';

const MS_PER_SECOND = 1000;
const STATE_TAG: Record<HubKioskStatusDto['state'], string> = { paired: 'tag ok', waiting: 'tag manual', 'code-expired': 'tag', revoked: 'tag voided' };

export function hubKiosksView(ctx: HubViewCtx): HTMLElement {
  const { t } = ctx;
  const results = h('div', { class: 'results' });
  const issued = h('div', { class: 'notice ok', role: 'status', 'data-testid': 'pairing-code', hidden: true });
  const id = h('input', { type: 'text', required: true, maxlength: 63, pattern: '[a-z0-9][a-z0-9._\\-]{0,62}', placeholder: 'door-2', 'data-testid': 'kiosk-id' });
  const name = h('input', { type: 'text', maxlength: 100, 'data-testid': 'kiosk-name' });
  const site = h('input', { type: 'text', maxlength: 100, value: 'main', required: true, 'data-testid': 'kiosk-site' });
  const seconds = (ms: number): string => t('hub.fleet.seconds', { n: Math.round(ms / MS_PER_SECOND) });

  /** The code, once: who it is for, until when, and what to type on the kiosk. */
  function showCode(r: HubPairingDto): void {
    issued.dataset.code = r.code;
    replace(issued,
      h('strong', {}, t('hub.fleet.codeTitle', { kiosk: r.kioskId })), ' ',
      h('code', { class: 'pairing-code', 'data-testid': 'pairing-code-value' }, r.code),
      h('p', {}, t('hub.fleet.codeOnce', { time: formatDateTime(r.expiresAt, ctx.lang, ctx.timeZone) })),
      h('p', { class: 'muted' }, t('hub.fleet.codeHow', { code: r.code })),
      h('button', { type: 'button', class: 'btn small', 'data-testid': 'pairing-code-done', onclick: () => {
        issued.hidden = true;
        replace(issued);
      } }, t('hub.fleet.codeDone')),
    );
    issued.hidden = false;
  }

  async function add(ev: Event): Promise<void> {
    ev.preventDefault();
    try {
      const r = await api<HubPairingDto>('POST', '/api/admin/kiosks', { id: id.value.trim(), site: site.value, ...(name.value.trim() === '' ? {} : { name: name.value }) });
      showCode(r);
      id.value = '';
      name.value = '';
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  async function newCode(k: HubKioskStatusDto): Promise<void> {
    try {
      const r = await api<{ code: string; expiresAt: number }>('POST', `/api/admin/kiosks/${encodeURIComponent(k.id)}/pair-code`);
      showCode({ kioskId: k.id, ...r });
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  async function revoke(k: HubKioskStatusDto): Promise<void> {
    if (!window.confirm(t('hub.fleet.revokeConfirm', { kiosk: k.id }))) return;
    try {
      await api('POST', `/api/admin/kiosks/${encodeURIComponent(k.id)}/revoke`);
      ctx.flash(t('hub.fleet.revoked', { kiosk: k.id }));
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  function clockCell(k: HubKioskStatusDto): HTMLElement {
    if (k.clockOffsetMs === null) return h('span', { class: 'muted' }, '—');
    const offset = `${k.clockOffsetMs > 0 ? '+' : ''}${seconds(k.clockOffsetMs)}`;
    return h('span', {}, offset, ' ',
      k.clockSkewed ? h('span', { class: 'tag clock-off', 'data-testid': `clock-skewed-${k.id}` }, t('hub.fleet.clockSkewed')) : null);
  }

  async function load(): Promise<void> {
    try {
      const { items } = await api<{ items: HubKioskStatusDto[] }>('GET', '/api/admin/kiosks/status');
      const rows = items.map((k) =>
        h('tr', { 'data-kiosk-id': k.id, class: k.state === 'revoked' ? 'is-voided' : undefined },
          h('td', {}, h('strong', {}, k.id)),
          h('td', {}, k.name),
          h('td', {}, k.site),
          h('td', {},
            h('span', { class: STATE_TAG[k.state], 'data-testid': `kiosk-state-${k.id}` }, t(`hub.fleet.state.${k.state}` as MessageKey)),
            k.state === 'paired' && k.pairingPending ? h('div', { class: 'muted' }, t('hub.fleet.pending')) : null),
          h('td', { class: 'nowrap' }, k.lastSeenAt === null ? t('hub.fleet.never') : formatDateTime(k.lastSeenAt, ctx.lang, ctx.timeZone)),
          h('td', { class: 'num' }, k.outboxDepth),
          h('td', { class: 'num' }, seconds(k.lagMs)),
          h('td', { class: 'nowrap' }, clockCell(k)),
          h('td', { class: 'nowrap' },
            h('button', { type: 'button', class: 'btn small', 'data-testid': `kiosk-code-${k.id}`, onclick: () => void newCode(k) }, t('hub.fleet.newCode')), ' ',
            k.state === 'revoked' ? null : h('button', { type: 'button', class: 'btn small danger', 'data-testid': `kiosk-revoke-${k.id}`, onclick: () => void revoke(k) }, t('hub.fleet.revoke')),
          ),
        ),
      );
      replace(results, table(
        [t('hub.kiosk'), t('hub.fleet.name'), t('hub.site'), t('hub.fleet.state'), t('hub.fleet.lastSeen'), t('hub.fleet.outbox'), t('hub.fleet.lag'), t('hub.clock'), ''],
        rows, t('hub.fleet.empty'), 'kiosks-table',
      ));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  void load();
  return h('section', { class: 'view' },
    h('p', { class: 'muted' }, t('hub.fleet.hint')),
    issued,
    results,
    h('form', { class: 'settings', onsubmit: (ev) => void add(ev), 'data-testid': 'kiosk-form' },
      h('h2', {}, t('hub.fleet.add')),
      h('div', { class: 'filters' }, field(t('hub.fleet.id'), id), field(t('hub.fleet.name'), name), field(t('hub.site'), site)),
      h('div', { class: 'inline-form' }, h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'kiosk-add' }, t('hub.fleet.add'))),
    ),
  );
}
