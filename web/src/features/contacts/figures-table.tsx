/**
 * The table of figures the cadence screen shows beside each chart and for each channel: it
 * scrolls sideways on a narrow screen (TableWrap), has one row of column headers, then the rows
 * its caller gives.
 */
import type { ComponentChildren } from 'preact';
import { TableWrap } from '../../lib/components/table-wrap';

export function FiguresTable(props: { columns: ComponentChildren[]; children: ComponentChildren }) {
  return (
    <TableWrap>
      <table class="chart-table">
        <thead>
          <tr>
            {props.columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </TableWrap>
  );
}
