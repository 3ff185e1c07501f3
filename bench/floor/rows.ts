// The rows of the floor pages (see floor.ts): the Queue's columns, 25 rows, as plain strings.
export const FLOOR_COLUMNS = ['#', 'Prompt', 'Provider / model', 'Status', 'Progress', 'Tries', 'Elapsed', 'Next poll', 'Error']

export function floorRows(): { id: number; cells: string[] }[] {
  return Array.from({ length: 25 }, (_, i) => {
    const id = 102041 - i
    return { id, cells: [String(id), `robot watercolour #${id}`, 'UMRGEN · default', 'done', '100%', '1', '0:19', '—', ''] }
  })
}
