// A job's input files (edit, upscale, image-to-video, references): named by the user as gallery items or
// paths, checked when queued — each must exist, be a media file by its bytes, and fit what the model takes —
// so a batch is queued whole or not at all; then described again when sent, since a file can vanish between.
import { createHash } from 'node:crypto'
import { mkdir, open, rename, stat, writeFile } from 'node:fs/promises'
import { basename, isAbsolute, join, resolve } from 'node:path'
import { providerInfo, type ModelInfo, type ProviderId } from '../../../shared/catalogue'
import type { InputRef, JobInput } from '../../../shared/contract'
import { sniff } from './downloader'
import type { InputFile } from '../providers/types'

/** What the core needs to turn a gallery item into a path. */
export interface AssetPaths {
  asset(id: number): { path: string; mime: string } | undefined
}

async function head(path: string): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(64)
    const { bytesRead } = await handle.read(buf, 0, 64, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** The file behind an input, with its type from its bytes; throws a sentence a user can act on. */
export async function describeInput(input: JobInput): Promise<InputFile> {
  let size: number
  try {
    const st = await stat(input.path)
    if (!st.isFile()) throw new Error(`The input ${input.path} is not a file`)
    size = st.size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`The input file is gone from disk: ${input.path}`, { cause: err })
    throw err
  }
  const kind = sniff(await head(input.path))
  if (!kind) throw new Error(`The input ${basename(input.path)} is not an image, video or audio file`)
  return { path: input.path, name: basename(input.path), mime: kind.mime, size }
}

/** Gallery items and paths → stored inputs, each checked to be a media file that exists. */
export async function resolveInputs(refs: readonly InputRef[], assets: AssetPaths): Promise<{ inputs: JobInput[]; files: InputFile[] }> {
  const inputs: JobInput[] = []
  for (const ref of refs) {
    if ('assetId' in ref) {
      const asset = assets.asset(ref.assetId)
      if (!asset) throw new Error(`Gallery item ${ref.assetId} does not exist any more`)
      inputs.push({ path: asset.path, assetId: ref.assetId })
    } else {
      if (!isAbsolute(ref.path)) throw new Error(`Input paths must be absolute: "${ref.path}"`)
      inputs.push({ path: resolve(ref.path) })
    }
  }
  const files = await Promise.all(inputs.map(describeInput))
  return { inputs, files }
}

/** Refuses inputs the model cannot take (none, too few, too many, the wrong medium); a model not in the catalogue takes what it is given. */
export function checkModelInputs(provider: ProviderId, model: ModelInfo | undefined, modelId: string, files: readonly InputFile[]): void {
  const name = `${providerInfo(provider).label} ${model?.label ?? modelId}`
  if (!model) return
  const spec = model.input
  if (!spec) {
    if (files.length > 0) throw new Error(`${name} takes no input files; pick an edit, upscale or image-to-video model to start from a picture`)
    return
  }
  if (files.length < spec.min)
    throw new Error(`${name} needs ${spec.min === 1 ? `an input ${spec.media}` : `${spec.min} input ${spec.media}s`}: pick one from the gallery or name a file`)
  if (files.length > spec.max) throw new Error(`${name} takes at most ${spec.max} input file${spec.max === 1 ? '' : 's'} (${files.length} given)`)
  const wrong = files.find((f) => !f.mime.startsWith(`${spec.media}/`))
  if (wrong) throw new Error(`${name} takes ${spec.media} input, not ${wrong.mime} (${wrong.name})`)
}

/**
 * A dropped or picked file (its bytes, from the renderer) kept under `dir` by its content hash, so the same
 * picture dropped twice is one file; refused unless its bytes are an image, video or audio file.
 */
export async function keepInputFile(dir: string, name: string, bytes: Buffer): Promise<{ path: string; name: string; mime: string; size: number }> {
  const kind = sniff(bytes.subarray(0, 64))
  if (!kind) throw new Error(`${basename(name)} is not an image, video or audio file`)
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 24)}.${kind.ext}`)
  const temp = `${path}.${process.pid}.part`
  await writeFile(temp, bytes)
  await rename(temp, path)
  return { path, name: basename(name), mime: kind.mime, size: bytes.length }
}
