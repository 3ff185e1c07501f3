// "Export…" for a set of jobs (the queue grid's selection): opens the export dialog for every file those
// jobs downloaded. The ids are taken on the click (collected first when the selection is "all matching the
// filter", maybe 100,000 jobs never loaded), so a selection changed meanwhile does not change a running export.
import { useState } from 'react'
import { Icon } from '../components/Icon'
import { plural } from '../format'
import { ExportDialog } from './ExportDialog'

export function BulkExportButton({ jobIds, disabled }: { jobIds: () => number[] | Promise<number[] | null>; disabled: boolean }) {
  const [open, setOpen] = useState<number[] | null>(null)
  return (
    <>
      <button
        type="button"
        className="button small"
        aria-label="Export files of selected jobs"
        title="Export the files of the selected jobs to a ZIP or a folder"
        disabled={disabled}
        onClick={() =>
          void Promise.resolve(jobIds()).then((ids) => {
            if (ids?.length) setOpen(ids)
          })
        }
      >
        <Icon name="download" size={14} /> Export…
      </button>
      {open && (
        <ExportDialog source={{ jobIds: open }} count={null} what={`the files of ${plural(open.length, 'selected job')}`} onClose={() => setOpen(null)} />
      )}
    </>
  )
}
