import type { Option } from '../api/types';

/** A single-choice filter field; the empty value is labelled `all` ("All", "Any", …). */
export function Select(props: { id: string; label: string; all: string; options: Option[]; value: string; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.all}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
