// Exports a comparison sheet into a folder: a PNG contact sheet (labels drawn in) or an HTML page with the
// files beside it. The desktop app chooses the folder with its dialog; headless mode takes a typed path.
import { useState } from 'react'
import type { SheetAxes } from '../../../shared/contract'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { ModalDialog } from '../components/ModalDialog'
import { errorMessage, useToasts } from '../toasts'

export function SheetExportDialog({ batchId, name, axes, onClose }: { batchId: number; name: string; axes?: SheetAxes; onClose(): void }) {
  const { settings } = useAppData()
  const { push } = useToasts()
  const [format, setFormat] = useState<'png' | 'html'>('png')
  const [destination, setDestination] = useState(() =>
    settings ? `${settings.outputRoot.replace(/[\\/]+$/, '')}${settings.outputRoot.includes('\\') ? '\\' : '/'}sheets` : ''
  )
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [written, setWritten] = useState<string | null>(null)

  const choose = async () => {
    const { path } = await getBridge().choosePath({ purpose: 'export-folder', suggested: destination || undefined })
    if (path) setDestination(path)
  }
  const save = async () => {
    setBusy(true)
    setError(null)
    try {
      const result = await getBridge().exportSheet({ batchId, format, destination: destination.trim(), axes })
      setWritten(result.path)
      push('success', `Saved the sheet of ${name} (${result.cells} cells)`)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <ModalDialog
      title={`Export the sheet of ${name}`}
      onClose={onClose}
      busy={busy}
      testId="sheet-export-dialog"
      actions={
        <>
          <button type="button" className="button" disabled={busy} onClick={onClose}>
            {written ? 'Done' : 'Cancel'}
          </button>
          <button type="button" className="button primary" disabled={busy || !destination.trim()} onClick={() => void save()}>
            {busy ? 'Saving…' : format === 'png' ? 'Save PNG' : 'Save HTML'}
          </button>
        </>
      }
    >
      <form
        className="send-to"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <div className="segmented" role="radiogroup" aria-label="Format">
          {(['png', 'html'] as const).map((f) => (
            <label key={f} className={`segment${format === f ? ' on' : ''}`}>
              <input type="radio" name="sheet-format" value={f} checked={format === f} onChange={() => setFormat(f)} />
              {f === 'png' ? 'PNG contact sheet' : 'HTML page with the files'}
            </label>
          ))}
        </div>
        <label className="field">
          <span className="field-label">Folder</span>
          <span className="inline-field">
            <input
              type="text"
              className="mono grow"
              aria-label="Folder"
              value={destination}
              readOnly={settings?.canChoosePaths}
              onChange={(e) => setDestination(e.target.value)}
            />
            {settings?.canChoosePaths && (
              <button type="button" className="button small" onClick={() => void choose()}>
                Choose…
              </button>
            )}
          </span>
        </label>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        {written && (
          <p className="mono path" data-testid="sheet-written">
            {written}
          </p>
        )}
      </form>
    </ModalDialog>
  )
}
