/** Anything the fold sorts: event time, then lifecycle rank, then id, so any arrival order folds the same. */
export interface Ordered {
  eventId: string;
  at: number;
}

export function sortEvents<T extends Ordered>(events: readonly T[], rank: (e: T) => number): T[] {
  return [...events].sort((a, b) => a.at - b.at || rank(a) - rank(b) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

/** The same delivery twice (same event id) counts once. */
export function uniqueById<T extends Ordered>(events: readonly T[]): T[] {
  const seen = new Set<string>();
  return events.filter((e) => (seen.has(e.eventId) ? false : (seen.add(e.eventId), true)));
}
