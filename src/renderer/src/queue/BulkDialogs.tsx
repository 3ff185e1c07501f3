// The bulk bar's two actions that ask first: deleting the selected jobs (and maybe their files), and
// queueing them again on another provider/model.
import { useId, useState } from 'react'
import { PROVIDERS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { ModalDialog } from '../components/ModalDialog'
import { plural } from '../format'

export function DeleteJobsDialog({ count, busy, onConfirm, onClose }: { count: number; busy: string | null; onConfirm(deleteFiles: boolean): void; onClose(): void }) {
  const [deleteFiles, setDeleteFiles] = useState(false)
  return (
    <ModalDialog
      title={`Delete ${plural(count, 'job')}?`}
      onClose={onClose}
      busy={busy !== null}
      testId="delete-dialog"
      actions={
        <>
          {busy && <span className="muted modal-progress">{busy}</span>}
          <button type="button" className="button" disabled={busy !== null} onClick={onClose}>
            Keep them
          </button>
          <button type="button" className="button danger-solid" disabled={busy !== null} onClick={() => onConfirm(deleteFiles)}>
            Delete {plural(count, 'job')}
          </button>
        </>
      }
    >
      <p>
        The selected jobs and their history leave the queue and the gallery. Jobs still running at the provider are forgotten (and may still be billed). This cannot be
        undone.
      </p>
      <label className="checkbox-field">
        <input type="checkbox" checked={deleteFiles} onChange={(e) => setDeleteFiles(e.target.checked)} disabled={busy !== null} />
        Also delete their downloaded files from disk
      </label>
      {!deleteFiles && <p className="field-help">Without this, the files stay in the output folder.</p>}
    </ModalDialog>
  )
}

export function RequeueDialog({
  count,
  busy,
  initialProvider,
  onConfirm,
  onClose
}: {
  count: number
  busy: string | null
  initialProvider: ProviderId
  onConfirm(provider: ProviderId, model: string): void
  onClose(): void
}) {
  const id = useId()
  const [provider, setProvider] = useState<ProviderId>(initialProvider)
  const models = providerInfo(provider).models.filter((m) => m.kind !== 'trim')
  const [model, setModel] = useState(models[0]?.id ?? '')
  const chosen = models.find((m) => m.id === model) ?? models[0]
  return (
    <ModalDialog
      title={`Re-queue ${plural(count, 'job')} with another model`}
      onClose={onClose}
      busy={busy !== null}
      testId="requeue-dialog"
      actions={
        <>
          {busy && <span className="muted modal-progress">{busy}</span>}
          <button type="button" className="button" disabled={busy !== null} onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button primary" disabled={busy !== null || !chosen} onClick={() => onConfirm(provider, chosen.id)}>
            Queue {plural(count, 'new job')}
          </button>
        </>
      }
    >
      <p>Each selected job’s prompt and parameters are queued again as a new job, in a new batch. The original jobs stay as they are.</p>
      <div className="field-row">
        <label className="field grow" htmlFor={`${id}-provider`}>
          <span className="field-label">Provider</span>
          <select
            id={`${id}-provider`}
            value={provider}
            onChange={(e) => {
              const next = e.target.value as ProviderId
              setProvider(next)
              const nextModels = providerInfo(next).models.filter((m) => m.kind !== 'trim')
              setModel((current) => (nextModels.some((m) => m.id === current) ? current : (nextModels[0]?.id ?? '')))
            }}
          >
            {PROVIDERS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow" htmlFor={`${id}-model`}>
          <span className="field-label">Model</span>
          <select id={`${id}-model`} value={chosen?.id ?? ''} onChange={(e) => setModel(e.target.value)}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label} · {m.kind}
              </option>
            ))}
          </select>
        </label>
      </div>
    </ModalDialog>
  )
}
