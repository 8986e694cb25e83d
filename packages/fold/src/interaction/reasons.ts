/** The end type of an agent leg whose offer nobody answered (a redirect on no answer, RONA). */
export const RANG_OUT = 'transferred:rona';

/** An agent leg that rang out: offered, never answered, so waiting time and not the agent's. */
export const rangOut = (leg: { type: string; endType: string | null }): boolean => leg.type === 'agent' && leg.endType === RANG_OUT;

/** TRANSFERRED reasons → the suffix of a leg's end/start type. */
export function transferKind(reason: string | undefined): string {
  switch (reason?.trim().toLowerCase()) {
    case 'rona':
      return 'rona';
    case 'agent_logout':
    case 'logout':
      return 'logout';
    default:
      return 'agent';
  }
}

const MEDIA_SWITCH = /call ?back|media.?switch/i;

/**
 * CLOSED reasons: agent | customer | system as sent; free text that mentions a callback
 * or media switch is a chat cancelled for a web callback (seed 002); other text is kept.
 */
export function classifyClose(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  const r = reason.trim().toLowerCase();
  if (r === 'agent' || r === 'customer' || r === 'system') return r;
  if (MEDIA_SWITCH.test(r)) return 'media_switch';
  return r.length ? reason.trim().slice(0, 200) : null;
}
