/**
 * The hub's Shifts tab: the kiosk's shifts view over the hub's shared shifts. Kiosks know a shift by
 * its name, so the name is fixed once made; a deleted shift travels down as a tombstone.
 */
import type { HubShiftDto } from '../../../src/hub/admin-dto.ts';
import { api } from '../admin/api.ts';
import { shiftsView, type ShiftsSource } from '../admin/views/shifts.ts';
import type { HubViewCtx } from './context.ts';

export const hubShifts: ShiftsSource<HubShiftDto> = {
  list: async () => (await api<{ items: HubShiftDto[] }>('GET', '/api/admin/shifts')).items,
  save: async (editing, body) => {
    if (editing === null) await api('POST', '/api/admin/shifts', body);
    else await api('PUT', `/api/admin/shifts/${encodeURIComponent(editing.name)}`, body);
  },
  remove: async (s) => {
    await api('DELETE', `/api/admin/shifts/${encodeURIComponent(s.name)}`);
  },
  fixedName: true,
  rowAttrs: (s) => ({ 'data-shift-name': s.name }),
  hint: 'hub.shifts.hint',
};

export function hubShiftsView(ctx: HubViewCtx): HTMLElement {
  return shiftsView(ctx, hubShifts);
}
