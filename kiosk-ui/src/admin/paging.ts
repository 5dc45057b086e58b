/**
 * One page of a list the page already holds (people lists are loaded whole, since the pickers need
 * everyone): only that page's rows are built, so a site of thousands stays light. DOM-free.
 */
export interface Page<T> {
  items: T[];
  /** 1-based, clamped to 1..pages (a search that shrank the list moves back to its last page). */
  page: number;
  pages: number;
}

export function pageOf<T>(items: readonly T[], page: number, size: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(1, Math.trunc(page)), pages);
  return { items: items.slice((p - 1) * size, p * size), page: p, pages };
}
