/** Recognition settings (validated by the server against the stages' own ranges), the kiosk PIN and, on a joined kiosk, its hub link. */
import type { AuthStateDto, RuntimeSettingsDto, SettingsDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import type { MessageKey } from '../../i18n.ts';
import { formatDateTime } from '../../text.ts';
import { api, describeError } from '../api.ts';
import type { AdminCtx } from '../context.ts';
import { field } from '../widgets.ts';

const FIELDS: { key: keyof RuntimeSettingsDto; step: string }[] = [
  { key: 'matchThreshold', step: '0.01' },
  { key: 'minShare', step: '0.01' },
  { key: 'minMeanSimilarity', step: '0.01' },
  { key: 'antispoofMin', step: '0.01' },
  { key: 'livenessMin', step: '0.01' },
  { key: 'windowMs', step: '100' },
  { key: 'cooldownMs', step: '1000' },
];

export function settingsView(ctx: AdminCtx, auth: AuthStateDto, hubPanel: HTMLElement | null): HTMLElement {
  const { t } = ctx;
  const form = h('div', { class: 'settings' });
  const pinBox = h('div', { class: 'settings' });

  function render(s: SettingsDto): void {
    const inputs = new Map<keyof RuntimeSettingsDto, HTMLInputElement>();
    const rows = FIELDS.map(({ key, step }) => {
      const input = h('input', { type: 'number', step, value: String(s.settings[key]), name: key, 'data-testid': `setting-${key}` });
      inputs.set(key, input);
      return h('div', { class: 'setting' }, field(t(`settings.${key}` as MessageKey), input), h('small', { class: 'muted' }, t('settings.default', { value: s.defaults[key] })));
    });
    const save = async (): Promise<void> => {
      const body: Record<string, number> = {};
      for (const [key, input] of inputs) body[key] = Number(input.value);
      try {
        render(await api<SettingsDto>('PUT', '/api/admin/settings', body));
        ctx.flash(t('settings.saved'));
      } catch (err) {
        ctx.error(describeError(err));
      }
    };
    replace(
      form,
      h('h2', {}, t('settings.title')),
      h('p', { class: 'muted' }, t('settings.timeZone', { zone: s.timeZone })),
      s.updatedAt === null ? null : h('p', { class: 'muted' }, t('settings.updated', { time: formatDateTime(s.updatedAt, ctx.lang, ctx.timeZone), actor: s.updatedBy ?? '' })),
      ...rows,
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'settings-save', onclick: () => void save() }, t('settings.save')),
    );
  }

  function renderPin(): void {
    if (auth.pinFromConfig) return replace(pinBox, h('h2', {}, t('settings.pinTitle')), h('p', { class: 'muted' }, t('settings.pinFromConfig')));
    const pin = h('input', { type: 'password', inputmode: 'numeric', autocomplete: 'new-password', maxlength: 12 });
    const save = async (): Promise<void> => {
      try {
        await api('PUT', '/api/admin/pin', { pin: pin.value });
        pin.value = '';
        ctx.flash(t('settings.pinSaved'));
      } catch (err) {
        ctx.error(describeError(err));
      }
    };
    replace(pinBox, h('h2', {}, t('settings.pinTitle')), field(t('settings.pinNew'), pin), h('button', { type: 'button', class: 'btn', onclick: () => void save() }, t('settings.pinSave')));
  }

  void api<SettingsDto>('GET', '/api/admin/settings').then(render, (err: unknown) => ctx.error(describeError(err)));
  renderPin();
  return h('section', { class: 'view two-col' }, form, pinBox, hubPanel);
}
