// The bulk bar's two actions that ask first: deleting the selected jobs (and maybe their files), and
// queueing them again on another provider/model.
import { useState } from 'react'
import type { ProviderId } from '../../../shared/catalogue'
import { ModalDialog } from '../components/ModalDialog'
import { closestModel, RequeueFields, type ModelChoice } from '../components/RequeueFields'
import { plural } from '../format'

export function DeleteJobsDialog({
  count,
  busy,
  onConfirm,
  onClose
}: {
  count: number
  busy: string | null
  onConfirm(deleteFiles: boolean): void
  onClose(): void
}) {
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
        The selected jobs and their history leave the queue and the gallery. Jobs still running at the provider are forgotten (and may still be billed). This
        cannot be undone.
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
  onConfirm(choice: ModelChoice): void
  onClose(): void
}) {
  const [choice, setChoice] = useState<ModelChoice>(() => ({ provider: initialProvider, model: closestModel(initialProvider, '') }))
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
          <button type="button" className="button primary" disabled={busy !== null || !choice.model} onClick={() => onConfirm(choice)}>
            Queue {plural(count, 'new job')}
          </button>
        </>
      }
    >
      <p>Each selected job’s prompt and parameters are queued again as a new job, in a new batch. The original jobs stay as they are.</p>
      <p className="field-help">
        On a model that starts from a picture (upscale, edit, image-to-video), each job starts from its own result, with only the parameters that model has.
      </p>
      <div className="field-row">
        <RequeueFields value={choice} onChange={setChoice} />
      </div>
    </ModalDialog>
  )
}
