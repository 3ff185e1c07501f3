// BFL's (FLUX) models, limits and inputs. docs/providers.md § BFL (FLUX) has the source of each fact; in short: the model
// ids are the POST /v1/{model} paths and the parameters are the request schemas of BFL's OpenAPI description
// (https://api.bfl.ai/openapi.json, mirrored in tryAGI/BlackForestLabs src/libs/BlackForestLabs/openapi.json),
// the active-task cap is help.bfl.ai "What is the concurrency limit for the API?", and the input image limits
// come from the AI SDK's BFL provider docs (marked as a guess where BFL itself does not say).
import type { ModelInfo, ModelInput, ParamSpec, ProviderInfo } from './index'

/** Input images: bare base64 or a URL in the JSON body. Types and size: AI SDK docs ("up to 20MB or 20 megapixels"); BFL's own docs name no limit (GUESS). */
const IMAGE_ACCEPT = ['image/jpeg', 'image/png', 'image/webp'] as const
const IMAGE_MAX_BYTES = 20 * 1024 * 1024
const refs = (max: number, min = 0): ModelInput => ({ media: 'image', min, max, maxBytes: IMAGE_MAX_BYTES, accept: IMAGE_ACCEPT })

const seed: ParamSpec = { name: 'seed', label: 'Seed', type: 'number', min: 0, hint: 'Empty = random' }
const format = (def: 'jpeg' | 'png'): ParamSpec => ({ name: 'output_format', label: 'Format', type: 'select', options: ['jpeg', 'png', 'webp'], default: def })
const safety = (max: 5 | 6): ParamSpec => ({
  name: 'safety_tolerance',
  label: 'Safety tolerance',
  type: 'number',
  min: 0,
  max,
  default: 2,
  hint: `0 = strictest, ${max} = most permissive`
})
const upsampling = (def: boolean): ParamSpec => ({ name: 'prompt_upsampling', label: 'Prompt upsampling', type: 'boolean', default: def })

// FLUX.2: width/height ≥ 64 (OpenAPI), multiples of 16 up to 4 MP (black-forest-labs/skills endpoints.md); empty
// lets the model choose (the OpenAPI default 0: the input image's size when editing).
const flux2Size: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 64, max: 2048, hint: 'Multiple of 16, up to 4 MP; empty = model decides' },
  { name: 'height', label: 'Height', type: 'number', min: 64, max: 2048, hint: 'Multiple of 16, up to 4 MP; empty = model decides' }
]
// FLUX.1 [pro] 1.1 and [dev]: 256–1440, multiples of 32, default 1024×768 (OpenAPI FluxPro11Inputs / FluxDevInputs).
const flux1Size: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 256, max: 1440, default: 1024, hint: 'Multiple of 32' },
  { name: 'height', label: 'Height', type: 'number', min: 256, max: 1440, default: 768, hint: 'Multiple of 32' }
]
/** Kontext and Ultra take an aspect ratio "between 21:9 and 9:21", not width/height (OpenAPI). */
const aspect = (def?: string): ParamSpec => ({
  name: 'aspect_ratio',
  label: 'Aspect ratio',
  type: 'select',
  options: ['21:9', '16:9', '3:2', '4:3', '1:1', '3:4', '2:3', '9:16', '9:21'],
  ...(def ? { default: def } : { hint: 'Empty = the input image’s ratio (or 1:1)' })
})

// Timing (GUESS within the sources): BFL's examples poll every 0.5 s (docs.bfl.ai FLUX.2 editing page) and seed 001
// backs off from 0.5 s to a 10 s cap with a 120 s timeout; results expire 10 minutes after Ready.
const fast = { initial: 0.5, interval: 1, max: 120 }
const normal = { initial: 1, interval: 2, max: 300 }
const slow = { initial: 2, interval: 3, max: 600 }

const flux2Common: readonly ParamSpec[] = [...flux2Size, seed, safety(5), format('jpeg')]

const models: readonly ModelInfo[] = [
  // FLUX.2: text-to-image, and editing with up to 8 references (klein: 4) through input_image … input_image_8.
  { id: 'flux-2-pro', label: 'FLUX.2 [pro]', kind: 'image', timing: normal, input: refs(8), params: flux2Common },
  { id: 'flux-2-max', label: 'FLUX.2 [max]', kind: 'image', timing: normal, input: refs(8), params: flux2Common },
  {
    id: 'flux-2-flex',
    label: 'FLUX.2 [flex]',
    kind: 'image',
    timing: slow,
    input: refs(8),
    params: [
      ...flux2Common,
      upsampling(true),
      { name: 'steps', label: 'Steps', type: 'number', min: 1, max: 50, default: 50 },
      { name: 'guidance', label: 'Guidance', type: 'number', min: 1.5, max: 10, default: 5 }
    ]
  },
  { id: 'flux-2-klein-9b', label: 'FLUX.2 [klein] 9B', kind: 'image', timing: fast, input: refs(4), params: flux2Common },
  { id: 'flux-2-klein-4b', label: 'FLUX.2 [klein] 4B', kind: 'image', timing: fast, input: refs(4), params: flux2Common },
  { id: 'flux-2-pro-preview', label: 'FLUX.2 [pro] preview', kind: 'image', timing: normal, input: refs(8), params: flux2Common },
  // FLUX.1 Kontext: one input image (2–4 "Experimental Multiref"), aspect_ratio, PNG by default. [max] is capped
  // at 6 active tasks per key (help.bfl.ai), the others at 24.
  {
    id: 'flux-kontext-pro',
    label: 'FLUX.1 Kontext [pro]',
    kind: 'image',
    timing: normal,
    input: refs(4),
    params: [aspect(), seed, upsampling(false), safety(6), format('png')]
  },
  {
    id: 'flux-kontext-max',
    label: 'FLUX.1 Kontext [max]',
    kind: 'image',
    timing: normal,
    input: refs(4),
    params: [aspect(), seed, upsampling(false), safety(6), format('png')]
  },
  // FLUX1.1 [pro], Ultra and FLUX.1 [dev]: text-to-image; one optional `image_prompt` (Redux / remix, base64).
  {
    id: 'flux-pro-1.1',
    label: 'FLUX1.1 [pro]',
    kind: 'image',
    timing: normal,
    input: refs(1),
    params: [...flux1Size, seed, upsampling(false), safety(6), format('jpeg')]
  },
  {
    id: 'flux-pro-1.1-ultra',
    label: 'FLUX1.1 [pro] Ultra',
    kind: 'image',
    timing: normal,
    input: refs(1),
    params: [
      aspect('16:9'),
      { name: 'raw', label: 'Raw', type: 'boolean', default: false, hint: 'Less processed, more natural-looking' },
      { name: 'image_prompt_strength', label: 'Image prompt strength', type: 'number', min: 0, max: 1, default: 0.1 },
      seed,
      upsampling(false),
      safety(6),
      format('jpeg')
    ]
  },
  {
    id: 'flux-dev',
    label: 'FLUX.1 [dev]',
    kind: 'image',
    timing: normal,
    input: refs(1),
    params: [
      ...flux1Size,
      { name: 'steps', label: 'Steps', type: 'number', min: 1, max: 50, default: 28 },
      { name: 'guidance', label: 'Guidance', type: 'number', min: 1.5, max: 5, default: 3 },
      seed,
      upsampling(false),
      safety(6),
      format('jpeg')
    ]
  },
  // FLUX.1 Fill and Expand need an image (`image`, base64); Fill takes an optional mask as the second file.
  {
    id: 'flux-pro-1.0-fill',
    label: 'FLUX.1 Fill [pro] (inpaint)',
    kind: 'edit',
    timing: normal,
    input: refs(2, 1),
    params: [
      { name: 'steps', label: 'Steps', type: 'number', min: 15, max: 50, default: 50 },
      { name: 'guidance', label: 'Guidance', type: 'number', min: 1.5, max: 100, default: 60 },
      seed,
      upsampling(false),
      safety(6),
      format('jpeg')
    ]
  },
  {
    id: 'flux-pro-1.0-expand',
    label: 'FLUX.1 Expand [pro] (outpaint)',
    kind: 'edit',
    timing: normal,
    input: refs(1, 1),
    params: [
      ...(['top', 'bottom', 'left', 'right'] as const).map((side): ParamSpec => ({
        name: side,
        label: `Expand ${side}`,
        type: 'number',
        min: 0,
        max: 2048,
        default: 0,
        hint: 'Pixels'
      })),
      { name: 'steps', label: 'Steps', type: 'number', min: 15, max: 50, default: 50 },
      { name: 'guidance', label: 'Guidance', type: 'number', min: 1.5, max: 100, default: 60 },
      seed,
      upsampling(false),
      safety(6),
      format('jpeg')
    ]
  }
]

export const bfl: ProviderInfo = {
  id: 'bfl',
  label: 'BFL (FLUX)',
  protocol: 'bfl',
  envName: 'BFL',
  defaultBaseUrl: 'https://api.bfl.ai',
  models,
  kinds: ['image', 'edit'],
  // A typed-in id is most likely a newer FLUX.2 endpoint: its schema's common fields.
  genericParams: [...flux2Size, seed, format('jpeg')],
  genericTiming: normal,
  // maxActive: 24 active tasks per key (help.bfl.ai; flux-kontext-max: 6). rate/burst/concurrency: BFL documents
  // no request rate, only the active-task cap; these are polite GUESSES.
  limits: { rate: 5, burst: 10, concurrency: 8, maxActive: 24 },
  modelsUrl: 'https://docs.bfl.ai'
}
