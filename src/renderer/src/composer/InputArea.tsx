// The composer's "Input": the pictures (or videos) an edit, upscale or image-to-video job starts from.
// Gallery items come through "Use as input" in the Gallery and Lightbox; a file from disk is picked or
// dropped here, and main keeps a copy in the data folder (addInputFile) so a job can name it by its path.
import { useRef, useState, type DragEvent } from 'react'
import { getBridge } from '../bridge'
import { AssetThumb } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import { formatBytes } from '../format'
import { errorMessage, useToasts } from '../toasts'
import { MAX_INPUT_BYTES, MAX_INPUTS, useComposerInputs, type ChosenInput } from './composerInputs'

/** The file's bytes as base64, which is how the contract carries them (in slices: a 12 MB spread would overflow the stack). */
async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

function InputThumb({ input }: { input: ChosenInput }) {
  if ('assetId' in input.ref) return <AssetThumb assetId={input.ref.assetId} mime={input.mime} alt={input.name} className="input-thumb-media" />
  if (input.previewUrl && input.mime.startsWith('image/')) return <img className="input-thumb-media" src={input.previewUrl} alt={input.name} />
  return (
    <div className="input-thumb-media thumb-placeholder" role="img" aria-label={input.name}>
      <Icon name={input.mime.startsWith('video/') ? 'video' : 'image'} size={20} />
    </div>
  )
}

/** `note` says when the chosen models take no input at all (the inputs stay for when one is chosen). */
export function InputArea({ note }: { note: string | null }) {
  const { inputs, add, remove } = useComposerInputs()
  const { push } = useToasts()
  const picker = useRef<HTMLInputElement>(null)
  const [over, setOver] = useState(false)
  const [reading, setReading] = useState(false)

  const addFiles = async (files: readonly File[]) => {
    const media = files.filter((f) => /^(image|video)\//.test(f.type))
    if (media.length < files.length) push('error', 'Only pictures and videos can be inputs.')
    const fitting = media.filter((f) => f.size <= MAX_INPUT_BYTES)
    for (const f of media)
      if (f.size > MAX_INPUT_BYTES) push('error', `${f.name} is ${formatBytes(f.size)}; an input file can be at most ${formatBytes(MAX_INPUT_BYTES)}.`)
    if (!fitting.length) return
    setReading(true)
    try {
      for (const file of fitting) {
        try {
          const kept = await getBridge().addInputFile({ name: file.name, dataBase64: await fileBase64(file) })
          add([{ key: `path:${kept.path}`, ref: { path: kept.path }, name: kept.name, mime: kept.mime, previewUrl: URL.createObjectURL(file) }])
        } catch (err) {
          push('error', `Could not use ${file.name}: ${errorMessage(err)}`)
        }
      }
    } finally {
      setReading(false)
    }
  }

  // Files dropped here are inputs; the window's own drop (prompt files) must not take them too.
  const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files')
  const onDragOver = (e: DragEvent) => {
    if (!hasFiles(e)) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
    setOver(true)
  }
  const onDrop = (e: DragEvent) => {
    setOver(false)
    if (!hasFiles(e)) return
    e.preventDefault()
    void addFiles([...e.dataTransfer.files])
  }

  return (
    <div
      className={`field input-area${over ? ' over' : ''}`}
      role="group"
      aria-label="Input"
      data-testid="input-area"
      onDragOver={onDragOver}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false)
      }}
      onDrop={onDrop}
    >
      <div className="input-area-head">
        <span className="field-label">
          Input <span className="model-count">{inputs.length}</span>
        </span>
        <button type="button" className="link-button" disabled={reading || inputs.length >= MAX_INPUTS} onClick={() => picker.current?.click()}>
          <Icon name="upload" size={13} /> {reading ? 'Reading…' : 'Choose file…'}
        </button>
        <input
          ref={picker}
          type="file"
          accept="image/*,video/*"
          multiple
          hidden
          aria-label="Choose input file"
          onChange={(e) => {
            void addFiles([...(e.target.files ?? [])])
            e.target.value = ''
          }}
        />
      </div>
      {inputs.length === 0 ? (
        <p className="field-help">Drop a picture here, choose a file, or pick one in the Gallery with “Use as input”.</p>
      ) : (
        <ul className="input-thumbs" aria-label="Chosen inputs">
          {inputs.map((input) => (
            <li key={input.key} className="input-thumb" title={input.name}>
              <InputThumb input={input} />
              <button type="button" className="chip-remove input-remove" aria-label={`Remove input ${input.name}`} onClick={() => remove(input.key)}>
                <Icon name="close" size={11} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {note && <p className="field-help">{note}</p>}
    </div>
  )
}
