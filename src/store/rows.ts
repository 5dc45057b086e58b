/** Small helpers shared by the repositories for turning rows and queries into plain data. */
import type { Evidence } from './types.ts';

export interface ListLimits {
  listDefaultLimit: number;
  listMaxLimit: number;
}

export function clampLimit(limit: number | undefined, limits: ListLimits): number {
  if (limit === undefined || !Number.isFinite(limit)) return limits.listDefaultLimit;
  return Math.min(Math.max(1, Math.trunc(limit)), limits.listMaxLimit);
}

/** Stored JSON is always an object (CHECK json_valid guards syntax); anything else reads as {}. */
export function parseJsonObject(text: string): Evidence {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Evidence) : {};
}

/** Audit targets name the row they concern. */
export const target = {
  person: (id: number): string => `person:${id}`,
  punch: (id: number): string => `punch:${id}`,
};
