import { PAGE_SIZES } from './filters';
import { first, type Query } from './router';

/** Rows per page from the hash query (`?limit=25`), one of the pager's sizes; 50 by default, as the other lists. */
export function pageLimit(query: Query): number {
  const n = Number(first(query, 'limit'));
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : 50;
}

/**
 * One page of a list the API sends whole (Workflow Sessions: every active execution in one
 * answer). The page is clamped to the last one, so a refresh that shrinks the list never
 * leaves an empty page on screen.
 */
export function pageOf<T>(items: readonly T[], page: number, limit: number): { page: number; rows: T[]; hasNext: boolean } {
  const last = Math.max(0, Math.ceil(items.length / limit) - 1);
  const p = Math.min(Math.max(0, Math.floor(page)), last);
  return { page: p, rows: items.slice(p * limit, (p + 1) * limit), hasNext: p < last };
}
