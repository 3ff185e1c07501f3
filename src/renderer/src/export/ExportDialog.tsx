// Bulk export: a dialog to write the chosen files to a ZIP or a folder with a manifest, then the run's
// progress (from exportProgress events), with Cancel, and how it ended. Enter starts, Escape closes (a
// running export carries on without the dialog; main announces its end).
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { createPortal } from 'react-dom'
import type { ExportProgress, GalleryFilter } from '../../../shared/contract'
import { headlessExportZipUrl } from '../../../shared/assetUrl'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { Icon } from '../components/Icon'
import { formatBytes, formatCount, plural } from '../format'
import { useBridgeEvent } from '../hooks/useBridgeEvent'
import { errorMessage } from '../toasts'
import { DEFAULT_TEMPLATE, defaultDestination, exportName, PLACEHOLDERS, validate, withFormat } from './exportOptions'
import './export.css'

/** What to export, as startExport takes it: gallery items, every file of some jobs, or a gallery filter. */
export type ExportSource = { assetIds: number[] } | { jobIds: number[] } | { filter: Omit<GalleryFilter, 'offset' | 'limit'> }

interface ExportDialogProps {
  source: ExportSource
  /** How many files, when known before starting (a job may have several, or none). */
  count: number | null
  /** What is being exported, in words: "the selected items", "3 selected jobs". */
  what: string
  onClose(): void
}

type Phase =
  | { name: 'edit' }
  | { name: 'starting' }
  | { name: 'running'; exportId: string; canceling: boolean }
  | { name: 'ended'; progress: ExportProgress }
  | { name: 'refused'; message: string }

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [href], [tabindex]:not([tabindex="-1"])'

export function ExportDialog({ source, count, what, onClose }: ExportDialogProps) {
  const { settings } = useAppData()
  const titleId = useId()
  const [format, setFormat] = useState<'zip' | 'folder'>('zip')
  const [name] = useState(() => exportName())
  const [destination, setDestination] = useState(() => (settings ? defaultDestination(settings.outputRoot, 'zip', name) : ''))
  const [touched, setTouched] = useState(false)
  const [template, setTemplate] = useState(DEFAULT_TEMPLATE)
  const [embed, setEmbed] = useState(false)
  const [phase, setPhase] = useState<Phase>({ name: 'edit' })
  const [progress, setProgress] = useState<ExportProgress | null>(null)
  const [showErrors, setShowErrors] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const destinationInput = useRef<HTMLInputElement>(null)
  const templateInput = useRef<HTMLInputElement>(null)

  // Progress can overtake startExport's answer (it comes by another channel): keep the latest per export.
  const seen = useRef(new Map<string, ExportProgress>())
  /** The export this dialog runs, set the moment startExport answers (before any re-render). */
  const current = useRef<string | null>(null)
  useBridgeEvent('exportProgress', (p) => {
    seen.current.set(p.exportId, p)
    if (p.exportId !== current.current) return
    if (p.state === 'running') setProgress(p)
    else {
      setProgress(p)
      setPhase({ name: 'ended', progress: p })
    }
  })

  // The settings may arrive after the dialog opened; the default follows them until the user types.
  const outputRoot = settings?.outputRoot
  useEffect(() => {
    if (!touched && outputRoot) setDestination(defaultDestination(outputRoot, format, name))
  }, [outputRoot, touched, format, name])

  // Focus moves in (to the destination, its file name selected for a quick rename) and back out on close.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    const input = destinationInput.current
    if (input) {
      input.focus()
      const base = input.value.search(/[^\\/]*$/)
      input.setSelectionRange(base, input.value.replace(/\.zip$/i, '').length)
    }
    return () => before?.focus({ preventScroll: true })
  }, [])

  // Escape closes wherever focus is (a field disabled under it while exporting drops focus to the page).
  const latestClose = useRef(onClose)
  useEffect(() => {
    latestClose.current = onClose
  })
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return
      e.preventDefault()
      e.stopPropagation()
      latestClose.current()
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])

  // The fields lock while exporting: focus goes to the button that matters now (Cancel, then Done/Export).
  const actions = useRef<HTMLElement>(null)
  useEffect(() => {
    if (phase.name === 'edit') return
    const target = actions.current?.querySelector<HTMLButtonElement>('button.danger:not(:disabled), button[type="submit"]')
    if (target && !root.current?.contains(document.activeElement)) target.focus()
    else if (target && document.activeElement instanceof HTMLElement && document.activeElement.closest('fieldset:disabled')) target.focus()
  }, [phase.name])

  const problem = validate(destination, template)

  /** Main's own dialog: a ZIP file to save, or the folder the export folder goes into. */
  async function choose(): Promise<void> {
    const { path } = await getBridge().choosePath({ purpose: format === 'zip' ? 'export-zip' : 'export-folder', suggested: destination.trim() || undefined })
    if (!path) return
    setTouched(true)
    setDestination(
      format === 'zip' ? withFormat(path, 'zip') : `${path.replace(/[\\/]+$/, '')}${path.includes('\\') && !path.includes('/') ? '\\' : '/'}${name}`
    )
  }
  const editable = phase.name === 'edit' || phase.name === 'refused' || (phase.name === 'ended' && phase.progress.state !== 'done')
  const running = phase.name === 'running' || phase.name === 'starting'

  const start = async () => {
    if (!editable) return
    if (problem) {
      setShowErrors(true)
      return
    }
    setPhase({ name: 'starting' })
    setProgress(null)
    try {
      const { exportId, total } = await getBridge().startExport({
        ...source,
        format,
        destination: destination.trim(),
        template: template.trim(),
        embedMetadata: embed
      })
      current.current = exportId
      const early = seen.current.get(exportId)
      if (early && early.state !== 'running') {
        setProgress(early)
        setPhase({ name: 'ended', progress: early })
      } else {
        setProgress(early ?? { exportId, state: 'running', done: 0, total, bytes: 0, path: null, error: null })
        setPhase({ name: 'running', exportId, canceling: false })
      }
    } catch (err) {
      setPhase({ name: 'refused', message: errorMessage(err) })
    }
  }

  const cancel = async () => {
    if (phase.name !== 'running') return
    setPhase({ ...phase, canceling: true })
    try {
      await getBridge().cancelExport({ exportId: phase.exportId })
    } catch (err) {
      setPhase({ name: 'refused', message: `Could not cancel: ${errorMessage(err)}` })
    }
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    if (phase.name === 'ended' && phase.progress.state === 'done') onClose()
    else void start()
  }

  const onKeyDown = (e: KeyboardEvent) => {
    // Nothing typed here reaches the view behind the dialog (its own shortcuts).
    e.stopPropagation()
    if (e.key === 'Enter' && !e.shiftKey && !(e.target instanceof HTMLButtonElement) && !(e.target instanceof HTMLTextAreaElement)) {
      e.preventDefault()
      if (phase.name === 'ended' && phase.progress.state === 'done') onClose()
      else void start()
    } else if (e.key === 'Tab' && root.current) {
      // Keep Tab inside the dialog.
      const items = [...root.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
      if (!items.length) return
      const first = items[0]
      const last = items[items.length - 1]
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault()
        first.focus()
      }
    }
  }

  const insertPlaceholder = (key: string) => {
    const input = templateInput.current
    const at = input?.selectionStart ?? template.length
    const end = input?.selectionEnd ?? at
    const next = `${template.slice(0, at)}${key}${template.slice(end)}`
    setTemplate(next)
    requestAnimationFrame(() => {
      input?.focus()
      input?.setSelectionRange(at + key.length, at + key.length)
    })
  }

  const changeFormat = (next: 'zip' | 'folder') => {
    setFormat(next)
    if (touched) setDestination((d) => withFormat(d, next))
  }

  const state = phase.name === 'ended' ? phase.progress.state : phase.name
  const percent = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : 0
  const done = phase.name === 'ended' && phase.progress.state === 'done'

  return createPortal(
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !running && onClose()}>
      <div
        ref={root}
        className="export-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="export-dialog"
        data-state={state}
        onKeyDown={onKeyDown}
      >
        <form onSubmit={onSubmit} noValidate>
          <header className="export-head">
            <h2 id={titleId}>
              <Icon name="download" /> Export {count === null ? 'files' : plural(count, 'file')}
            </h2>
            <button type="button" className="icon-button" aria-label="Close" title="Close (Esc)" onClick={onClose}>
              <Icon name="close" />
            </button>
          </header>
          <p className="muted export-what">
            Exports {what}, with a manifest (manifest.json and manifest.csv) of each file's prompt, provider, model, parameters, ids, times and SHA-256.
          </p>

          <fieldset className="export-fields" disabled={!editable}>
            <div className="format-choice" role="radiogroup" aria-label="Export as">
              <label className={format === 'zip' ? 'on' : undefined}>
                <input type="radio" name="format" value="zip" checked={format === 'zip'} onChange={() => changeFormat('zip')} /> ZIP file
              </label>
              <label className={format === 'folder' ? 'on' : undefined}>
                <input type="radio" name="format" value="folder" checked={format === 'folder'} onChange={() => changeFormat('folder')} /> Folder
              </label>
            </div>
            <label className="field">
              <span className="field-label">Destination</span>
              <input
                ref={destinationInput}
                type="text"
                className="mono"
                spellCheck={false}
                aria-label="Destination"
                aria-invalid={showErrors && problem?.field === 'destination' ? true : undefined}
                value={destination}
                placeholder={format === 'zip' ? '/path/to/export.zip' : '/path/to/folder'}
                onChange={(e) => {
                  setTouched(true)
                  setDestination(e.target.value)
                }}
              />
              <span className="field-help">
                {format === 'zip' ? 'The ZIP file to create (absolute path).' : 'The folder to create (absolute path); it must not exist yet.'}
              </span>
            </label>
            {settings?.canChoosePaths && (
              <button type="button" className="button" onClick={() => void choose()}>
                Choose…
              </button>
            )}
            <label className="field">
              <span className="field-label">File names</span>
              <input
                ref={templateInput}
                type="text"
                className="mono"
                spellCheck={false}
                aria-label="File name template"
                aria-invalid={showErrors && problem?.field === 'template' ? true : undefined}
                value={template}
                onChange={(e) => setTemplate(e.target.value)}
              />
            </label>
            <div className="placeholders" aria-label="Placeholders">
              {PLACEHOLDERS.map((p) => (
                <button key={p.key} type="button" className="placeholder-chip" title={`Insert ${p.key}: ${p.help}`} onClick={() => insertPlaceholder(p.key)}>
                  <code>{p.key}</code> <span className="muted">{p.help}</span>
                </button>
              ))}
              <span className="field-help">“/” makes folders; the extension is added; clashing names get -2, -3…</span>
            </div>
            <label className="checkbox">
              <input type="checkbox" checked={embed} onChange={(e) => setEmbed(e.target.checked)} /> Embed prompt in PNG files
              <span className="field-help">(as PNG text, like other image tools; the SHA-256 in the manifest is of the original file)</span>
            </label>
          </fieldset>

          {showErrors && problem && editable && (
            <p className="inline-error" role="alert">
              {problem.message}
            </p>
          )}

          {(progress || phase.name === 'starting') && (
            <div className="export-progress" data-testid="export-progress">
              <div className="progress" role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
                <div className="progress-track">
                  <div
                    className={`progress-fill${state === 'failed' ? ' failed' : state === 'canceled' ? ' canceled' : ''}`}
                    style={{ width: `${phase.name === 'starting' ? 0 : percent}%` }}
                  />
                </div>
                <span className="progress-text">{percent}%</span>
              </div>
              <p className="muted export-counts" data-testid="export-counts">
                {progress ? `${formatCount(progress.done)} / ${formatCount(progress.total)} files · ${formatBytes(progress.bytes)}` : 'Starting…'}
              </p>
            </div>
          )}

          <div className="export-result" aria-live="polite" data-testid="export-result">
            {phase.name === 'running' && (
              <p className="muted">{phase.canceling ? 'Canceling…' : 'Exporting… You can close this dialog; the export carries on.'}</p>
            )}
            {phase.name === 'refused' && (
              <p className="inline-error" role="alert">
                {phase.message}
              </p>
            )}
            {phase.name === 'ended' && phase.progress.state === 'done' && (
              <p className="export-done">
                <Icon name="check" /> Exported {plural(phase.progress.total, 'file')} ({formatBytes(phase.progress.bytes)}) to{' '}
                <code className="mono" data-testid="export-path">
                  {phase.progress.path}
                </code>
                {/* Headless: that path is on the machine running Batch Studio; the browser may be elsewhere. */}
                {settings && !settings.canChoosePaths && phase.progress.path?.toLowerCase().endsWith('.zip') && (
                  <a className="button small export-download" href={headlessExportZipUrl(phase.progress.exportId)} download>
                    <Icon name="download" size={14} /> Download ZIP
                  </a>
                )}
              </p>
            )}
            {phase.name === 'ended' && phase.progress.state === 'failed' && (
              <p className="inline-error" role="alert">
                Export failed: {phase.progress.error}
              </p>
            )}
            {phase.name === 'ended' && phase.progress.state === 'canceled' && <p className="muted">Export canceled. Nothing was written at the destination.</p>}
          </div>

          <footer ref={actions} className="export-actions">
            {running ? (
              <button type="button" className="button danger" disabled={phase.name !== 'running' || phase.canceling} onClick={() => void cancel()}>
                Cancel export
              </button>
            ) : done ? (
              <button type="submit" className="button primary">
                Done
              </button>
            ) : (
              <>
                <button type="button" className="button" onClick={onClose}>
                  Close
                </button>
                <button type="submit" className="button primary">
                  <Icon name="download" size={14} /> {state === 'edit' ? 'Export' : 'Export again'}
                </button>
              </>
            )}
          </footer>
        </form>
      </div>
    </div>,
    document.body
  )
}
