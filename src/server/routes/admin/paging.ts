/** Page arithmetic shared by the admin list routes (pure). */
import type { ServerOptions } from '../../options.ts';

export interface PageWindow {
  page: number;
  pageSize: number;
  offset: number;
}

export function pageWindow(page: number, pageSize: number | undefined, o: Pick<ServerOptions, 'pageSizeDefault' | 'pageSizeMax'>): PageWindow {
  const size = Math.min(pageSize ?? o.pageSizeDefault, o.pageSizeMax);
  return { page, pageSize: size, offset: (page - 1) * size };
}
