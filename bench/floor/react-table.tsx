// The floor under the Queue's cold load: React rendering the Queue's first screen as a bare table, with
// no data to fetch and nothing else of the app.
import { createRoot } from 'react-dom/client'
import { FLOOR_COLUMNS, floorRows } from './rows'

createRoot(document.getElementById('root')!).render(
  <table>
    <thead>
      <tr>
        {FLOOR_COLUMNS.map((c) => (
          <th key={c}>{c}</th>
        ))}
      </tr>
    </thead>
    <tbody>
      {floorRows().map((row) => (
        <tr key={row.id} data-testid="job-row">
          {row.cells.map((cell, i) => (
            <td key={i}>{cell}</td>
          ))}
        </tr>
      ))}
    </tbody>
  </table>
)
