import { useRef, type KeyboardEvent } from 'react';
import type { Option } from '../api/types';

/**
 * A multi-select as a disclosure of checkboxes: every option is a real, labelled checkbox,
 * so Tab, Space and screen readers work without custom key handling; Escape closes it.
 */
export function MultiSelect(props: { label: string; name: string; options: Option[]; value: string[]; onChange: (v: string[]) => void }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && ref.current?.open) {
      e.preventDefault();
      ref.current.open = false;
      ref.current.querySelector('summary')?.focus();
    }
  };
  const toggle = (v: string, on: boolean) => props.onChange(on ? [...props.value, v] : props.value.filter((x) => x !== v));
  const summary = props.value.length === 0 ? 'Any' : props.value.length === 1 ? (props.options.find((o) => o.value === props.value[0])?.label ?? props.value[0]) : `${props.value.length} selected`;
  return (
    <div className="field">
      <span className="field-label" id={`${props.name}-label`}>
        {props.label}
      </span>
      <details className="multiselect" ref={ref} onKeyDown={onKey}>
        <summary aria-describedby={`${props.name}-label`} data-testid={`${props.name}-toggle`}>
          {summary}
        </summary>
        <fieldset className="multiselect-options">
          <legend className="visually-hidden">{props.label}</legend>
          {props.options.length === 0 ? <p className="muted">No values in range</p> : null}
          {props.options.map((o) => (
            <label key={o.value} className="check">
              <input type="checkbox" name={props.name} value={o.value} checked={props.value.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
              {o.label}
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}
