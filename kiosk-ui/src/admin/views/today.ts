/**
 * Who is in now and who has not arrived (each person's current shift-day), and a presence chart for one
 * shift-day drawn as plain SVG: a row per person, the scheduled shift outlined, time present filled. On the hub,
 * for every kiosk, narrowed by its kiosk/site scope.
 */
import type { BoardDto, PresenceDto, PresenceRowDto, TimesheetRowDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { ReportCtx } from '../context.ts';
import { field } from '../widgets.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const MS_PER_HOUR = 3_600_000;
const CHART = { labelWidth: 170, rightPad: 24, width: 900, rowHeight: 26, barHeight: 14, axisHeight: 22, padHours: 1, dotRadius: 5 } as const;
/** Above this many hours on the axis, ticks every 2 h keep labels apart. */
const DENSE_AXIS_HOURS = 16;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (SVGElement | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** The instants the chart spans: the schedules and presence shown, padded by an hour, on whole hours. */
function axisSpan(items: PresenceRowDto<number | string>[]): { from: number; to: number } {
  const points = items.flatMap((r) => [r.scheduledStart, r.scheduledEnd, ...r.intervals.flatMap((i) => [i.from, i.to])]).filter((x): x is number => x !== null);
  const lo = points.length === 0 ? Math.min(...items.map((r) => r.from)) : Math.min(...points) - CHART.padHours * MS_PER_HOUR;
  const hi = points.length === 0 ? Math.max(...items.map((r) => r.to)) : Math.max(...points) + CHART.padHours * MS_PER_HOUR;
  return { from: Math.floor(lo / MS_PER_HOUR) * MS_PER_HOUR, to: Math.ceil(hi / MS_PER_HOUR) * MS_PER_HOUR };
}

export function presenceChart(ctx: ReportCtx, data: PresenceDto<number | string>): Element {
  if (data.items.length === 0) return h('p', { class: 'empty' }, ctx.t('today.chartEmpty'));
  const span = axisSpan(data.items);
  const plot = CHART.width - CHART.labelWidth - CHART.rightPad;
  const x = (ts: number): number => CHART.labelWidth + ((ts - span.from) / (span.to - span.from)) * plot;
  const height = CHART.axisHeight + data.items.length * CHART.rowHeight;
  const root = svg('svg', { viewBox: `0 0 ${CHART.width} ${height}`, width: '100%', role: 'img', 'aria-label': `${ctx.t('today.presence')} ${data.day}`, 'data-testid': 'presence-chart', class: 'presence' });
  const hours = (span.to - span.from) / MS_PER_HOUR;
  const step = (hours > DENSE_AXIS_HOURS ? 2 : 1) * MS_PER_HOUR;
  for (let ts = span.from; ts <= span.to; ts += step) {
    root.append(svg('line', { x1: x(ts), x2: x(ts), y1: CHART.axisHeight - 4, y2: height, class: 'grid-line' }));
    root.append(svg('text', { x: x(ts), y: CHART.axisHeight - 8, 'text-anchor': 'middle', class: 'axis' }, formatTime(ts, ctx.lang, ctx.timeZone)));
  }
  if (data.now >= span.from && data.now <= span.to) root.append(svg('line', { x1: x(data.now), x2: x(data.now), y1: CHART.axisHeight - 4, y2: height, class: 'now-line' }));
  data.items.forEach((r, i) => {
    const top = CHART.axisHeight + i * CHART.rowHeight;
    const mid = top + CHART.rowHeight / 2;
    const barTop = mid - CHART.barHeight / 2;
    const g = svg('g', { 'data-person-id': r.personId, 'data-testid': 'presence-row' });
    g.append(svg('text', { x: 4, y: mid + 4, class: 'label' }, r.shiftName === null ? r.personName : `${r.personName} · ${r.shiftName}`));
    if (r.scheduledStart !== null && r.scheduledEnd !== null) {
      g.append(svg('rect', { x: x(r.scheduledStart), y: barTop - 3, width: x(r.scheduledEnd) - x(r.scheduledStart), height: CHART.barHeight + 6, class: 'scheduled' }));
    }
    for (const iv of r.intervals) {
      const title = `${formatTime(iv.from, ctx.lang, ctx.timeZone)}–${iv.to === null ? '?' : formatTime(iv.to, ctx.lang, ctx.timeZone)}`;
      if (iv.to === null) {
        g.append(svg('circle', { cx: x(iv.from), cy: mid, r: CHART.dotRadius, class: 'no-out', 'data-from': iv.from }, svg('title', {}, title)));
      } else {
        g.append(svg('rect', { x: x(iv.from), y: barTop, width: Math.max(1, x(iv.to) - x(iv.from)), height: CHART.barHeight, class: iv.open ? 'present open' : 'present', 'data-from': iv.from, 'data-to': iv.to }, svg('title', {}, title)));
      }
    }
    root.append(g);
  });
  return root;
}

function boardList(ctx: ReportCtx, title: (n: number) => string, rows: TimesheetRowDto<number | string>[], testId: string): HTMLElement {
  return h('div', { class: 'board-col', 'data-testid': testId },
    h('h3', {}, title(rows.length)),
    h('ul', { class: 'board-list' },
      ...rows.map((r) =>
        h('li', { 'data-person-id': r.personId },
          h('strong', {}, r.personName),
          r.shiftName === null ? null : h('span', { class: 'muted' }, ` · ${r.shiftName}`),
          r.firstIn === null ? null : h('span', { class: 'muted' }, ` · ${ctx.t('today.since', { time: formatTime(r.firstIn, ctx.lang, ctx.timeZone) })}`),
          r.lateMinutes > 0 ? h('span', { class: 'tag manual' }, ctx.t('today.late', { minutes: r.lateMinutes })) : null,
        ),
      ),
    ),
  );
}

export function todayView(ctx: ReportCtx): HTMLElement {
  const { t } = ctx;
  const board = h('div', { class: 'board' });
  const day = h('input', { type: 'date', value: localIsoDate(Date.now(), ctx.timeZone), 'data-testid': 'presence-day' });
  const chart = h('div', { class: 'results' });

  async function loadBoard(): Promise<void> {
    try {
      const r = await api<BoardDto<number | string>>('GET', `/api/admin/board${query({ ...ctx.scope?.params() })}`);
      const by = (...s: TimesheetRowDto['status'][]): TimesheetRowDto<number | string>[] => r.items.filter((x) => s.includes(x.status));
      replace(board,
        boardList(ctx, (n) => t('today.in', { n }), by('in'), 'board-in'),
        boardList(ctx, (n) => t('today.notArrived', { n }), by('not-arrived', 'absent', 'upcoming'), 'board-not-arrived'),
        boardList(ctx, (n) => t('today.out', { n }), by('out', 'missing-out'), 'board-out'),
        boardList(ctx, (n) => t('today.off', { n }), by('off'), 'board-off'),
      );
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  async function loadChart(): Promise<void> {
    if (day.value === '') return;
    try {
      replace(chart, presenceChart(ctx, await api<PresenceDto<number | string>>('GET', `/api/admin/presence${query({ day: day.value, ...ctx.scope?.params() })}`)));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  const loadAll = (): void => {
    void loadBoard();
    void loadChart();
  };
  day.addEventListener('change', () => void loadChart());
  ctx.onLogChanged?.(loadAll);
  void (ctx.scope?.ready ?? Promise.resolve()).then(loadAll);
  const scope = ctx.scope;
  return h('section', { class: 'view' },
    scope === undefined
      ? null
      : h('div', { class: 'filters' }, ...scope.fields, h('button', { type: 'button', class: 'btn primary', 'data-testid': 'today-show', onclick: loadAll }, t('filter.apply'))),
    board,
    h('div', { class: 'filters' }, field(t('today.presence'), day)),
    h('p', { class: 'muted' }, t('today.legend')),
    chart,
  );
}
