/**
 * The kiosk menu: PIN → enroll a new person / re-enroll / remove. One small state machine; each
 * state renders the side panel, so the camera preview stays visible on the left while a person is
 * being enrolled and can follow the live guidance.
 */
import type {
  EnrollmentCapturedDto,
  EnrollmentFailedDto,
  EnrollmentGates,
  EnrollmentProgressDto,
  PersonSummaryDto,
  Refusal,
} from '../../../src/server/protocol.ts';
import { h, replace, type Child } from '../dom.ts';
import type { MessageKey, Translate } from '../i18n.ts';
import { ACK_TIMEOUT_MS, offline, type KioskSocket } from '../socket.ts';

interface Draft {
  name: string;
  code: string;
  personId?: number;
}

type View =
  | { k: 'pin'; error: string | null }
  | { k: 'home'; note: string | null }
  | { k: 'form'; draft: Draft; error: string | null }
  | { k: 'capture'; sessionId: string; draft: Draft; progress: EnrollmentProgressDto | null; needed: number }
  | { k: 'duplicate'; sessionId: string; draft: Draft; dup: NonNullable<EnrollmentCapturedDto['duplicateOf']> }
  | { k: 'busy'; text: string }
  | { k: 'saved'; name: string; samples: number }
  | { k: 'failed'; reason: string; draft: Draft }
  | { k: 'people'; search: string; people: PersonSummaryDto[] | null }
  | { k: 'confirm-remove'; person: PersonSummaryDto };

const GATES: readonly (keyof EnrollmentGates)[] = ['oneFace', 'bigEnough', 'frontal', 'sharp', 'live'];
const PIN_MAX = 12;
const MS_PER_MINUTE = 60_000;
const SEARCH_DEBOUNCE_MS = 200;

/** Set through CSSOM: the page's CSP forbids inline style attributes. */
function progressBar(captured: number, needed: number): HTMLDivElement {
  const bar = h('div', { class: 'bar' });
  bar.style.width = `${needed > 0 ? Math.min(100, (100 * captured) / needed) : 0}%`;
  return bar;
}

export interface MenuDeps {
  socket: KioskSocket;
  panel: HTMLElement;
  t: () => Translate;
  onOpenChange: (open: boolean) => void;
}

export class KioskMenu {
  private view: View | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: MenuDeps) {}

  get isOpen(): boolean {
    return this.view !== null;
  }

  open(): void {
    this.show({ k: 'pin', error: null });
  }

  /** Closes the panel and locks the menu on the server (cancelling an unfinished enrollment). */
  close(): void {
    if (this.view === null) return;
    this.view = null;
    this.deps.panel.hidden = true;
    replace(this.deps.panel);
    this.deps.onOpenChange(false);
    void this.deps.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('menu:lock', {}).catch(() => undefined);
  }

  /** The server locked the menu after inactivity. */
  locked(): void {
    if (this.view === null) return;
    this.view = null;
    this.deps.panel.hidden = true;
    this.deps.onOpenChange(false);
  }

  progress(p: EnrollmentProgressDto): void {
    const v = this.view;
    if (v?.k === 'capture' && v.sessionId === p.sessionId) this.show({ ...v, progress: p, needed: p.needed });
  }

  captured(c: EnrollmentCapturedDto): void {
    const v = this.view;
    if (v?.k !== 'capture' || v.sessionId !== c.sessionId) return;
    if (c.duplicateOf !== null) this.show({ k: 'duplicate', sessionId: c.sessionId, draft: v.draft, dup: c.duplicateOf });
    else void this.confirm(c.sessionId, v.draft);
  }

  failed(f: EnrollmentFailedDto): void {
    const v = this.view;
    if ((v?.k === 'capture' || v?.k === 'duplicate') && v.sessionId === f.sessionId) this.show({ k: 'failed', reason: f.reason, draft: v.draft });
  }

  // ---------- actions ----------

  private async unlock(pin: string): Promise<void> {
    const t = this.deps.t();
    this.show({ k: 'busy', text: t('menu.busy') });
    const r = await this.deps.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('menu:unlock', { pin }).catch(offline);
    if (r.ok) return this.show({ k: 'home', note: null });
    const error =
      // A PIN of the wrong length (e.g. an old 4-digit one) is refused as malformed: to the person typing, it is wrong.
      r.reason === 'wrong-pin' || r.reason === 'bad-request' ? t('menu.pinWrong')
      : r.reason === 'no-pin' ? t('menu.noPin')
      : r.reason === 'rate-limited' ? t('menu.pinLimited', { minutes: Math.max(1, Math.ceil((r.retryAfterMs ?? 0) / MS_PER_MINUTE)) })
      : t('menu.failed', { reason: r.message ?? r.reason });
    this.show({ k: 'pin', error });
  }

  private async begin(draft: Draft): Promise<void> {
    const t = this.deps.t();
    if (draft.name.trim() === '') return this.show({ k: 'form', draft, error: t('menu.nameRequired') });
    this.show({ k: 'busy', text: t('menu.busy') });
    const req: { name: string; employeeCode: string | null; personId?: number } = { name: draft.name, employeeCode: draft.code.trim() === '' ? null : draft.code };
    if (draft.personId !== undefined) req.personId = draft.personId;
    const r = await this.deps.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('enroll:begin', req).catch(offline);
    if (!r.ok) return this.refused(r, () => this.show({ k: 'form', draft, error: t('menu.failed', { reason: r.message ?? r.reason }) }));
    this.show({ k: 'capture', sessionId: r.sessionId, draft, progress: null, needed: r.needed });
  }

  private async confirm(sessionId: string, draft: Draft): Promise<void> {
    const t = this.deps.t();
    this.show({ k: 'busy', text: t('enroll.saving') });
    const r = await this.deps.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('enroll:confirm', { sessionId }).catch(offline);
    if (!r.ok) return this.refused(r, () => this.show({ k: 'failed', reason: r.message ?? r.reason, draft }));
    this.show({ k: 'saved', name: draft.name, samples: r.samples });
  }

  private async cancel(sessionId: string): Promise<void> {
    await this.deps.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('enroll:cancel', { sessionId }).catch(offline);
    this.show({ k: 'home', note: null });
  }

  private async loadPeople(search: string): Promise<void> {
    const r = await this.deps.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('people:list', search.trim() === '' ? {} : { search }).catch(offline);
    const v = this.view;
    if (v?.k !== 'people' || v.search !== search) return; // a newer search is on screen
    if (!r.ok) return this.refused(r, () => this.show({ k: 'home', note: this.deps.t()('menu.failed', { reason: r.message ?? r.reason }) }));
    this.view = { ...v, people: r.people };
    this.renderPeopleList();
  }

  private async remove(person: PersonSummaryDto): Promise<void> {
    const t = this.deps.t();
    this.show({ k: 'busy', text: t('menu.busy') });
    const r = await this.deps.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('people:remove', { personId: person.id }).catch(offline);
    if (!r.ok) return this.refused(r, () => this.show({ k: 'home', note: t('menu.failed', { reason: r.message ?? r.reason }) }));
    this.show({ k: 'home', note: t('menu.removed', { name: person.name }) });
  }

  /** A locked menu (timeout) sends the user back to the PIN; other refusals go to `otherwise`. */
  private refused(r: Refusal, otherwise: () => void): void {
    if (r.reason === 'locked') this.show({ k: 'pin', error: this.deps.t()('menu.locked') });
    else otherwise();
  }

  // ---------- rendering ----------

  private show(view: View): void {
    const wasOpen = this.view !== null;
    this.view = view;
    this.deps.panel.hidden = false;
    if (!wasOpen) this.deps.onOpenChange(true);
    replace(this.deps.panel, ...this.render(view));
    const focus = this.deps.panel.querySelector<HTMLElement>('[data-autofocus]');
    focus?.focus();
  }

  private render(v: View): Child[] {
    const t = this.deps.t();
    const btn = (label: string, onClick: () => void, cls = 'btn', testId?: string): HTMLButtonElement =>
      h('button', { type: 'button', class: cls, onclick: onClick, 'data-testid': testId }, label);
    const closeBtn = btn(t('menu.close'), () => this.close(), 'btn ghost', 'menu-close');

    switch (v.k) {
      case 'pin': {
        const input = h('input', { type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: PIN_MAX, class: 'pin-input', 'data-testid': 'pin-input', 'data-autofocus': true, 'aria-label': t('menu.pinTitle') });
        const submit = (): void => void this.unlock(input.value);
        input.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') submit();
        });
        const key = (label: string, act: () => void, testId: string): HTMLButtonElement => btn(label, act, 'key', testId);
        const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => key(d, () => (input.value = (input.value + d).slice(0, PIN_MAX)), `key-${d}`));
        return [
          h('h2', {}, t('menu.pinTitle')),
          input,
          v.error === null ? null : h('p', { class: 'error', role: 'alert' }, v.error),
          h('div', { class: 'keypad' }, ...digits, key('⌫', () => (input.value = input.value.slice(0, -1)), 'key-back'), key('0', () => (input.value = (input.value + '0').slice(0, PIN_MAX)), 'key-0'), key(t('menu.ok'), submit, 'pin-ok')),
          h('div', { class: 'row' }, btn(t('menu.cancel'), () => this.close(), 'btn ghost', 'pin-cancel')),
        ];
      }
      case 'home':
        return [
          h('h2', {}, t('kiosk.menu')),
          v.note === null ? null : h('p', { class: 'note', role: 'status' }, v.note),
          h('div', { class: 'stack' },
            btn(t('menu.enrollNew'), () => this.show({ k: 'form', draft: { name: '', code: '' }, error: null }), 'btn primary big', 'menu-enroll'),
            btn(t('menu.manage'), () => {
              this.show({ k: 'people', search: '', people: null });
              void this.loadPeople('');
            }, 'btn big', 'menu-manage'),
          ),
          h('div', { class: 'row' }, closeBtn),
        ];
      case 'form': {
        const name = h('input', { type: 'text', value: v.draft.name, autocomplete: 'off', 'data-testid': 'enroll-name', 'data-autofocus': true, maxlength: 100 });
        const code = h('input', { type: 'text', value: v.draft.code, autocomplete: 'off', 'data-testid': 'enroll-code', maxlength: 40 });
        const start = (): void => {
          const draft: Draft = { name: name.value, code: code.value };
          if (v.draft.personId !== undefined) draft.personId = v.draft.personId;
          void this.begin(draft);
        };
        return [
          h('h2', {}, v.draft.personId === undefined ? t('menu.enrollNew') : t('menu.reenroll')),
          h('label', {}, t('menu.name'), name),
          h('label', {}, t('menu.code'), code),
          v.error === null ? null : h('p', { class: 'error', role: 'alert' }, v.error),
          h('div', { class: 'row' }, btn(t('menu.back'), () => this.show({ k: 'home', note: null }), 'btn ghost'), btn(t('menu.start'), start, 'btn primary', 'enroll-start')),
        ];
      }
      case 'capture': {
        const p = v.progress;
        const needed = p?.needed ?? v.needed;
        const captured = p?.captured ?? 0;
        const hintKey = `hint.${p?.hint ?? 'no-face'}` as MessageKey;
        return [
          h('h2', {}, t('enroll.title', { name: v.draft.name })),
          h('p', { class: 'hint', 'data-testid': 'enroll-hint', 'aria-live': 'polite' }, t(hintKey)),
          h('ul', { class: 'gates', 'data-testid': 'enroll-gates' },
            ...GATES.map((g) => {
              const ok = p?.gates[g] ?? false;
              return h('li', { class: ok ? 'gate pass' : 'gate fail', 'data-gate': g, 'data-pass': String(ok) }, h('span', { class: 'mark', 'aria-hidden': 'true' }, ok ? '✓' : '✗'), t(`enroll.gate.${g}` as MessageKey));
            }),
          ),
          h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': needed, 'aria-valuenow': captured }, progressBar(captured, needed)),
          h('p', { class: 'count', 'data-testid': 'enroll-count' }, t('enroll.progress', { captured, needed })),
          h('div', { class: 'row' }, btn(t('menu.cancel'), () => void this.cancel(v.sessionId), 'btn ghost', 'enroll-cancel')),
        ];
      }
      case 'duplicate':
        return [
          h('h2', { class: 'warn-title' }, t('enroll.duplicateTitle')),
          h('p', { class: 'warn', 'data-testid': 'enroll-duplicate' }, t('enroll.duplicateDetail', { name: v.dup.name, percent: Math.round(v.dup.similarity * 100), newName: v.draft.name })),
          h('div', { class: 'row' },
            btn(t('menu.cancel'), () => void this.cancel(v.sessionId), 'btn ghost', 'duplicate-cancel'),
            btn(t('enroll.saveAnyway'), () => void this.confirm(v.sessionId, v.draft), 'btn warn', 'duplicate-confirm'),
          ),
        ];
      case 'busy':
        return [h('p', { class: 'busy', role: 'status' }, v.text)];
      case 'saved':
        return [
          h('p', { class: 'saved', 'data-testid': 'enroll-saved', role: 'status' }, t('enroll.saved', { name: v.name, samples: v.samples })),
          h('div', { class: 'row' }, btn(t('enroll.done'), () => this.show({ k: 'home', note: null }), 'btn primary', 'enroll-done')),
        ];
      case 'failed':
        return [
          h('p', { class: 'error', role: 'alert', 'data-testid': 'enroll-failed' }, t('enroll.failed', { reason: v.reason })),
          h('div', { class: 'row' }, btn(t('menu.back'), () => this.show({ k: 'home', note: null }), 'btn ghost'), btn(t('enroll.retry'), () => void this.begin(v.draft), 'btn primary')),
        ];
      case 'people': {
        const search = h('input', { type: 'search', value: v.search, placeholder: t('menu.search'), 'data-testid': 'people-search', 'data-autofocus': true });
        search.addEventListener('input', () => {
          const s = search.value;
          if (this.view?.k === 'people') this.view = { k: 'people', search: s, people: this.view.people };
          if (this.searchTimer !== null) clearTimeout(this.searchTimer);
          this.searchTimer = setTimeout(() => void this.loadPeople(s), SEARCH_DEBOUNCE_MS);
        });
        return [
          h('h2', {}, t('menu.manage')),
          search,
          h('ul', { class: 'people', 'data-testid': 'people-list' }),
          h('div', { class: 'row' }, btn(t('menu.back'), () => this.show({ k: 'home', note: null }), 'btn ghost')),
        ];
      }
      case 'confirm-remove':
        return [
          h('p', { class: 'warn' }, t('menu.removeConfirm', { name: v.person.name })),
          h('div', { class: 'row' },
            btn(t('menu.cancel'), () => this.show({ k: 'home', note: null }), 'btn ghost'),
            btn(t('menu.delete'), () => void this.remove(v.person), 'btn danger', 'remove-confirm'),
          ),
        ];
    }
  }

  /** Only the list is redrawn, so the search box keeps focus while typing. */
  private renderPeopleList(): void {
    const v = this.view;
    const list = this.deps.panel.querySelector('ul.people');
    if (v?.k !== 'people' || list === null || v.people === null) return;
    const t = this.deps.t();
    if (v.people.length === 0) return replace(list, h('li', { class: 'empty' }, t('menu.noPeople')));
    replace(
      list,
      ...v.people.map((p) =>
        h('li', { class: 'person', 'data-person-id': p.id },
          h('div', { class: 'who' }, h('strong', {}, p.name), h('small', {}, [p.employeeCode, t('menu.samples', { n: p.sampleCount })].filter(Boolean).join(' · '))),
          h('button', { type: 'button', class: 'btn small', onclick: () => this.show({ k: 'form', draft: { name: p.name, code: p.employeeCode ?? '', personId: p.id }, error: null }) }, t('menu.reenroll')),
          h('button', { type: 'button', class: 'btn small danger', onclick: () => this.show({ k: 'confirm-remove', person: p }) }, t('menu.remove')),
        ),
      ),
    );
  }
}
