/**
 * "Not recognised?": the person types their employee code and personal PIN (set by an admin). The
 * server checks them, stores a `fallback` punch with the face in view as its photo, and flags it
 * for review; a wrong PIN backs off per employee code. Offered also after "Not me".
 */
import type { Refusal } from '../../../src/server/protocol.ts';
import { h, replace } from '../dom.ts';
import type { Translate } from '../i18n.ts';
import type { KioskSocket } from '../socket.ts';

const PIN_MAX = 12;
const ACK_MS = 10_000;

export interface FallbackDeps {
  socket: KioskSocket;
  panel: HTMLElement;
  t: () => Translate;
  /** A punch was stored: the screen greets them. */
  onPunched: (r: { name: string; ts: number }) => void;
  onOpenChange: (open: boolean) => void;
}

export class FallbackPanel {
  #busy = false;

  constructor(private readonly d: FallbackDeps) {}

  get isOpen(): boolean {
    return !this.d.panel.hidden;
  }

  /** Opens the form; `note` explains why (e.g. after "Not me"). */
  open(note: string | null = null): void {
    this.#render(note, null);
    this.d.panel.hidden = false;
    this.d.onOpenChange(true);
    this.d.panel.querySelector<HTMLInputElement>('[data-autofocus]')?.focus();
  }

  close(): void {
    this.d.panel.hidden = true;
    replace(this.d.panel);
    this.d.onOpenChange(false);
  }

  #render(note: string | null, error: string | null, code = ''): void {
    const t = this.d.t();
    const codeInput = h('input', { type: 'text', value: code, autocomplete: 'off', maxlength: 40, 'data-testid': 'fallback-code', 'data-autofocus': true, 'aria-label': t('fallback.code') });
    const pinInput = h('input', { type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: PIN_MAX, class: 'pin-input', 'data-testid': 'fallback-pin', 'aria-label': t('fallback.pin') });
    const submit = (): void => void this.#submit(codeInput.value, pinInput.value);
    pinInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') submit();
    });
    replace(
      this.d.panel,
      h('h2', {}, t('fallback.title')),
      note === null ? null : h('p', { class: 'note', 'data-testid': 'fallback-note' }, note),
      h('p', { class: 'count' }, t('fallback.hint')),
      h('label', {}, t('fallback.code'), codeInput),
      h('label', {}, t('fallback.pin'), pinInput),
      error === null ? null : h('p', { class: 'error', role: 'alert', 'data-testid': 'fallback-error' }, error),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'btn ghost', 'data-testid': 'fallback-cancel', onclick: () => this.close() }, this.d.t()('menu.cancel')),
        h('button', { type: 'button', class: 'btn primary', 'data-testid': 'fallback-ok', onclick: submit }, this.d.t()('fallback.submit')),
      ),
    );
  }

  async #submit(code: string, pin: string): Promise<void> {
    const t = this.d.t();
    if (this.#busy) return;
    if (code.trim() === '' || !/^\d{6,12}$/u.test(pin)) return this.#render(null, t('fallback.wrong'), code);
    this.#busy = true;
    try {
      const r = await this.d.socket.timeout(ACK_MS).emitWithAck('fallback:punch', { employeeCode: code.trim(), pin });
      if (r.ok) {
        this.close();
        this.d.onPunched({ name: r.name, ts: r.ts });
        return;
      }
      this.#render(null, this.#refusalText(r), code);
    } catch {
      this.#render(null, t('socket.offline'), code);
    } finally {
      this.#busy = false;
    }
  }

  #refusalText(r: Refusal): string {
    const t = this.d.t();
    if (r.reason === 'rate-limited') return t('fallback.limited', { minutes: Math.max(1, Math.ceil((r.retryAfterMs ?? 60_000) / 60_000)) });
    if (r.reason === 'wrong-pin' || r.reason === 'bad-request') return t('fallback.wrong');
    if (r.reason === 'unpaired') return t('device.unpairedTitle');
    return t('menu.failed', { reason: r.message ?? r.reason });
  }
}
