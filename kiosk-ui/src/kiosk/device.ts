/**
 * What the kiosk screen shows about itself: on an unpaired screen, the form that pairs it with a
 * code from the admin pages (nothing else: no faces, no names); on the device's own screen before
 * first-run setup, the setup code to type into the admin pages.
 */
import type { KioskConfigDto } from '../../../src/server/protocol.ts';
import { h, replace } from '../dom.ts';
import type { Translate } from '../i18n.ts';
import { ACK_TIMEOUT_MS, displayToken, offline, type KioskSocket } from '../socket.ts';

const MS_PER_MINUTE = 60_000;

export class DevicePanel {
  constructor(
    private readonly socket: KioskSocket,
    private readonly panel: HTMLElement,
    private readonly t: () => Translate,
  ) {}

  show(config: KioskConfigDto): void {
    document.body.classList.toggle('unpaired', !config.paired);
    if (!config.paired) {
      // A token the server no longer knows (unpaired in the admin pages) is useless: forget it.
      if (displayToken.get() !== null) displayToken.clear();
      return this.pairForm(null);
    }
    if (config.setupCode !== null) return this.setupCode(config.setupCode);
    this.panel.hidden = true;
    replace(this.panel);
  }

  private setupCode(code: string): void {
    const t = this.t();
    this.panel.hidden = false;
    replace(this.panel,
      h('h2', {}, t('device.setupTitle')),
      h('p', { class: 'setup-code', 'data-testid': 'setup-code' }, code),
      h('p', {}, t('device.setupHint')),
    );
  }

  private pairForm(error: string | null): void {
    const t = this.t();
    const input = h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: false, maxlength: 20, 'data-testid': 'pair-code', 'aria-label': t('device.pairCode') });
    const submit = async (ev: Event): Promise<void> => {
      ev.preventDefault();
      const r = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('display:pair', { code: input.value }).catch(offline);
      if (r.ok) {
        displayToken.set(r.token);
        return;
      }
      this.pairForm(
        r.reason === 'not-found' || r.reason === 'bad-request' ? t('device.pairWrong')
        : r.reason === 'rate-limited' ? t('device.pairLimited', { minutes: Math.max(1, Math.ceil((r.retryAfterMs ?? 0) / MS_PER_MINUTE)) })
        : t('menu.failed', { reason: r.message ?? r.reason }),
      );
    };
    this.panel.hidden = false;
    replace(this.panel,
      h('form', { class: 'stack', onsubmit: (ev) => void submit(ev), 'data-testid': 'pair-form' },
        h('h2', {}, t('device.unpairedTitle')),
        h('p', {}, t('device.unpairedHint')),
        h('label', {}, t('device.pairCode'), input),
        error === null ? null : h('p', { class: 'error', role: 'alert' }, error),
        h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'pair-submit' }, t('device.pair')),
      ),
    );
    input.focus();
  }
}
