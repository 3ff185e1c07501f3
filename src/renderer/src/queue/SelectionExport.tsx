// The bulk bar's export slot: the export UI's BulkExportButton for the selected jobs. A selection of
// explicit rows hands over its ids; "all matching the filter" (maybe 100,000 jobs never loaded) has its
// ids collected first, on the click, and then opens the same export dialog.
import { useEffect, useRef, useState } from 'react'
import { Icon } from '../components/Icon'
import { BulkExportButton } from '../export/BulkExportButton'
import type { Selection } from './useJobSelection'

export function SelectionExport({ selection, disabled, collect }: { selection: Selection; disabled: boolean; collect(): Promise<number[] | null> }) {
  const [collected, setCollected] = useState<{ for: Selection; ids: number[] } | null>(null)
  const slot = useRef<HTMLSpanElement>(null)

  // Once the ids are in, open the dialog as if the export button itself had been pressed.
  const opened = useRef<number[] | null>(null)
  useEffect(() => {
    if (!collected || collected.for !== selection || opened.current === collected.ids) return
    opened.current = collected.ids
    slot.current?.querySelector('button')?.click()
  }, [collected, selection])

  if (!selection.all) return <BulkExportButton jobIds={[...selection.ids]} />
  if (collected && collected.for === selection)
    return (
      <span ref={slot} className="export-slot">
        <BulkExportButton jobIds={collected.ids} />
      </span>
    )
  return (
    <button
      type="button"
      className="button small"
      aria-label="Export files of selected jobs"
      title="Export the files of the selected jobs to a ZIP or a folder"
      disabled={disabled}
      onClick={() =>
        void collect().then((ids) => {
          if (ids?.length) setCollected({ for: selection, ids })
        })
      }
    >
      <Icon name="download" size={14} /> Export…
    </button>
  )
}
