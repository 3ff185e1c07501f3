// Which input files a chosen model takes, and whether the composer's chosen inputs fit it: checked here so
// that Queue says why it is disabled before main would refuse the batch (main checks again, by the bytes).
import { modelInfo, type JobKind, type ModelInput, type ProviderId } from '../../../shared/catalogue'
import { mediaType } from '../format'
import { MAX_INPUTS, type ChosenInput } from './composerInputs'

/** Kinds that make nothing without a picture to start from. */
const NEEDS_PICTURE: readonly JobKind[] = ['edit', 'upscale']

/**
 * A suggested model's input spec; a typed-in model id of an edit or upscale kind needs at least one picture
 * (the provider decides how many it takes, within the contract's cap); other typed-in ids take none.
 */
export function modelInput(provider: ProviderId, model: string, kind: JobKind | undefined): ModelInput | undefined {
  const known = modelInfo(provider, model)
  if (known) return known.input
  return kind && NEEDS_PICTURE.includes(kind) ? { media: 'image', min: 1, max: MAX_INPUTS } : undefined
}

const article = (media: string) => (media === 'image' ? 'an' : 'a')

/** Why these inputs do not fit the model, in words that say what to do; null when they fit. */
export function inputProblem(label: string, spec: ModelInput | undefined, inputs: readonly ChosenInput[]): string | null {
  if (!spec) return null
  if (inputs.length < spec.min)
    return `${label} needs ${spec.min === 1 ? `${article(spec.media)} input ${spec.media}` : `${spec.min} input ${spec.media}s`}: choose a file, drop one on Input, or use a gallery item (“Use as input”).`
  if (inputs.length > spec.max) return `${label} takes at most ${spec.max} input file${spec.max === 1 ? '' : 's'} (${inputs.length} chosen).`
  const wrong = inputs.find((i) => mediaType(i.mime) !== spec.media)
  if (wrong) return `${label} takes ${spec.media} input, not “${wrong.name}” (${wrong.mime}).`
  return null
}
