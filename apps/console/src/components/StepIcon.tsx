/**
 * One icon per Webex Connect step type (seed 000: Play Message, Collect Digits, HTTP Request,
 * Menu, Queue Contact, End Flow); other types get a neutral dot. Inline SVG: no icon font.
 */
const PATHS: Record<string, string> = {
  play_message: 'M5 3l8 5-8 5z',
  collect_digits: 'M3 3h2v2H3zM7 3h2v2H7zM11 3h2v2h-2zM3 7h2v2H3zM7 7h2v2H7zM11 7h2v2h-2zM7 11h2v2H7z',
  http_request: 'M2 5h9l-2-2 1-1 4 4-4 4-1-1 2-2H2zM14 11H5l2 2-1 1-4-4 4-4 1 1-2 2h9z',
  menu: 'M2 3h12v2H2zM2 7h12v2H2zM2 11h12v2H2z',
  queue_contact: 'M3 2h10v2l-3 4 3 4v2H3v-2l3-4-3-4z',
  end_flow: 'M3 3h10v10H3z',
};
export const STEP_LABELS: Record<string, string> = {
  play_message: 'Play Message',
  collect_digits: 'Collect Digits',
  http_request: 'HTTP Request',
  menu: 'Menu',
  queue_contact: 'Queue Contact',
  end_flow: 'End Flow',
};

export const stepLabel = (type: string) => STEP_LABELS[type] ?? type.replace(/_/g, ' ');

export function StepIcon({ type }: { type: string }) {
  const d = PATHS[type];
  return (
    <svg className={`step-icon step-${PATHS[type] ? type : 'other'}`} width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {d ? <path d={d} fill="currentColor" /> : <circle cx="8" cy="8" r="4" fill="currentColor" />}
    </svg>
  );
}
