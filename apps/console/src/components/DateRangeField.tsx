import { RANGE_CHOICES, type DateRange, type RangeChoice } from '../lib/filters';

/**
 * The date range every list applies (seed 000: always on). Shortcuts are toggle buttons; Custom
 * shows local date-time inputs, read by the API in the tenant's zone.
 */
export function DateRangeField(props: { value: DateRange; onChange: (v: DateRange) => void; timeZone: string; withTime?: boolean }) {
  const set = (range: RangeChoice) => props.onChange({ ...props.value, range });
  const type = props.withTime ? 'datetime-local' : 'date';
  return (
    <fieldset className="date-range">
      <legend>
        Date range <span className="muted">({props.timeZone})</span>
      </legend>
      <div className="segmented" role="group" aria-label="Date range shortcuts">
        {RANGE_CHOICES.map((c) => (
          <button key={c.value} type="button" aria-pressed={props.value.range === c.value} onClick={() => set(c.value)}>
            {c.label}
          </button>
        ))}
      </div>
      {props.value.range === 'custom' ? (
        <div className="custom-range">
          <label>
            From <input type={type} name="from" value={props.value.from} required onChange={(e) => props.onChange({ ...props.value, from: e.target.value })} />
          </label>
          <label>
            To <input type={type} name="to" value={props.value.to} onChange={(e) => props.onChange({ ...props.value, to: e.target.value })} />
          </label>
        </div>
      ) : null}
    </fieldset>
  );
}
