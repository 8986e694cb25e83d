import type { ReactNode } from 'react';

/** A sortable column header: a real button, with aria-sort on the header cell. */
export function SortHeader<S extends string>(props: { column: S; sort: S; order: 'asc' | 'desc'; onSort: (column: S) => void; children: ReactNode }) {
  const active = props.sort === props.column;
  return (
    <th scope="col" aria-sort={active ? (props.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => props.onSort(props.column)}>
        {props.children}
        <span aria-hidden="true" className="sort-mark">
          {active ? (props.order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

/** The head of a table whose columns do not sort. */
export function PlainHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
