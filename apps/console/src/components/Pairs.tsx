import { Fragment } from 'react';

/** Label/value pairs as a description list. */
export function Pairs({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="pairs">
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
