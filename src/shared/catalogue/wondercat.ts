// Wondercat = the service Wonda (wonda.sh): its models, limits and inputs. docs/providers.md § Wondercat (= Wonda) has the
// source of each fact; "GUESS" marks what no source says. Model ids are Wonda's own keys (what the adapter
// sends); Wonda's live list is GET /capabilities (Settings → refresh models), and any other id can be typed in.
// There is no trim model: Wonda retired its REST editing endpoints (POST /video/edit answers 410 Gone) and
// trims only in its local CLI.
import type { ModelInput, ModelTiming, ParamSpec, ProviderInfo } from './index'

/** What POST /media/upload takes (wonda.sh/docs/media-upload, "Supported Formats"). */
export const WONDA_UPLOAD_TYPES = {
  image: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/svg+xml'],
  video: ['video/mp4', 'video/webm', 'video/quicktime', 'video/x-msvideo'],
  audio: ['audio/mpeg', 'audio/mp3', 'audio/wav', 'audio/ogg', 'audio/webm', 'audio/aac', 'audio/m4a']
} as const

/** GUESS: Wonda documents no upload size limit; a generous cap so that the provider's own refusal is what a user sees. */
export const WONDA_UPLOAD_MAX_BYTES = 100 * 1024 * 1024

function refs(media: 'image' | 'video' | 'audio', max: number, min = 0): ModelInput {
  return { media, min, max, maxBytes: WONDA_UPLOAD_MAX_BYTES, accept: WONDA_UPLOAD_TYPES[media] }
}

// The job-polling guide: "Start polling at 1-second intervals. For long-running jobs such as video generation,
// increase the interval up to 5 seconds." Give-up times from the CLI skill's "Timing expectations" (images
// 30 s–2 min, videos up to 10 min for Sora 2 Pro, music 1–3 min, TTS 10–30 s) with room to spare.
const IMAGE_TIMING: ModelTiming = { initial: 1, interval: 2, max: 600 }
const VIDEO_TIMING: ModelTiming = { initial: 1, interval: 5, max: 1800 }
const AUDIO_TIMING: ModelTiming = { initial: 1, interval: 3, max: 600 }

// GUESS (the values): the quick start sends params.aspectRatio "1:1", the CLI skill uses 9:16 and 16:9 and
// "auto" to keep an input's shape; each model's accepted values are in GET /capabilities.
const ASPECT: ParamSpec = {
  name: 'aspectRatio',
  label: 'Aspect ratio',
  type: 'select',
  options: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9', 'auto'],
  hint: "Left empty, Wonda's default applies"
}
const RESOLUTION: ParamSpec = { name: 'resolution', label: 'Resolution', type: 'select', options: ['1K', '2K', '4K'] }

export const wondercat: ProviderInfo = {
  id: 'wondercat',
  label: 'Wondercat',
  protocol: 'wondercat',
  envName: 'WONDERCAT',
  // wonda.sh/docs ("Base URL"), the quick start, and the MCP server's DEFAULT_BASE_URL (degausai/wonda mcp/src/api.ts).
  defaultBaseUrl: 'https://api.wondercat.ai/api/v1',
  models: [
    // The quick start's model; the skill: 1K/2K/4K, up to 14 reference images.
    { id: 'nano-banana-2', label: 'Nano Banana 2', kind: 'image', timing: IMAGE_TIMING, input: refs('image', 14), params: [ASPECT, RESOLUTION] },
    // The skill's default image model: quality auto/low/medium/high (default auto), 1–4 references, caps at 1536 px.
    {
      id: 'gpt-image-2',
      label: 'GPT Image 2',
      kind: 'image',
      timing: IMAGE_TIMING,
      input: refs('image', 4),
      params: [ASPECT, { name: 'quality', label: 'Quality', type: 'select', options: ['auto', 'low', 'medium', 'high'], hint: 'Wonda defaults to auto' }]
    },
    // The skill: true 4K, 1K/2K/4K. GUESS: its reference-image cap (Nano Banana 2's 14 assumed).
    { id: 'nano-banana-pro', label: 'Nano Banana Pro', kind: 'image', timing: IMAGE_TIMING, input: refs('image', 14), params: [ASPECT, RESOLUTION] },
    // The skill names it as a fallback image model. GUESS: its reference-image cap.
    { id: 'seedream-4-5', label: 'Seedream 4.5', kind: 'image', timing: IMAGE_TIMING, input: refs('image', 10), params: [ASPECT] },
    // The skill: "Cheapest possible / fastest drafts". Text to image only (GUESS: no references).
    { id: 'z-image', label: 'Z-Image', kind: 'image', timing: IMAGE_TIMING, params: [ASPECT] },
    // The skill's default video model: 5/10/15 s (default 5), quality high (standard) or basic (fast);
    // an attached image animates it. GUESS: one reference image (the first frame).
    {
      id: 'seedance-2',
      label: 'Seedance 2',
      kind: 'video',
      timing: VIDEO_TIMING,
      input: refs('image', 1),
      params: [
        { name: 'duration', label: 'Duration (s)', type: 'number', min: 5, max: 15, default: 5, hint: '5, 10 or 15' },
        { name: 'quality', label: 'Quality', type: 'select', options: ['high', 'basic'], hint: 'high = standard, basic = fast' },
        ASPECT
      ]
    },
    // The skill: image-to-video with a face in the picture; 3–15 s; start/end images; 16:9, 9:16, 1:1.
    {
      id: 'kling_3_pro',
      label: 'Kling 3 Pro',
      kind: 'video',
      timing: VIDEO_TIMING,
      input: refs('image', 2),
      params: [{ name: 'duration', label: 'Duration (s)', type: 'number', min: 3, max: 15, default: 5 }, ASPECT]
    },
    // The skill: escalation models for quality; Sora caps a clip at 20 s. GUESS: one reference image.
    {
      id: 'sora2',
      label: 'Sora 2',
      kind: 'video',
      timing: VIDEO_TIMING,
      input: refs('image', 1),
      params: [{ name: 'duration', label: 'Duration (s)', type: 'number', min: 1, max: 20 }, ASPECT]
    },
    {
      id: 'sora2pro',
      label: 'Sora 2 Pro',
      kind: 'video',
      timing: VIDEO_TIMING,
      input: refs('image', 1),
      params: [{ name: 'duration', label: 'Duration (s)', type: 'number', min: 1, max: 20 }, ASPECT]
    },
    // The skill: upscale a video 1–4×, the video attached (`upscaleFactor`).
    {
      id: 'topaz-video-upscale',
      label: 'Topaz video upscale',
      kind: 'video',
      timing: VIDEO_TIMING,
      input: refs('video', 1, 1),
      params: [{ name: 'upscaleFactor', label: 'Upscale factor', type: 'number', min: 1, max: 4, default: 2 }]
    },
    // POST /music/generate (MCP generate_music); the skill: `instrumental: true` for no vocals.
    { id: 'suno-music', label: 'Suno music', kind: 'audio', timing: AUDIO_TIMING, params: [{ name: 'instrumental', label: 'Instrumental', type: 'boolean' }] },
    // POST /audio/speech (MCP speech); the skill: "elevenlabs-tts always requires a voiceId" (Rachel as the default voice).
    {
      id: 'elevenlabs-tts',
      label: 'ElevenLabs speech',
      kind: 'audio',
      timing: AUDIO_TIMING,
      params: [{ name: 'voiceId', label: 'Voice id', type: 'text', default: '21m00Tcm4TlvDq8ikWAM', hint: 'From `wonda audio voices`; Rachel by default' }]
    }
  ],
  kinds: ['image', 'video', 'audio'],
  genericTiming: { initial: 1, interval: 5, max: 1800 },
  // wonda.sh/docs/rate-limits: 300 requests/min per IP (general and upload buckets) = 5/s. Generation is admitted
  // per account by plan (concurrent 2–50, queue 25–2000); 25 active jobs fits every plan's admission (Free: 2
  // running + 25 queued; Wonda: 25 running). GUESS: burst and in-flight requests.
  limits: { rate: 5, burst: 10, concurrency: 8, maxActive: 25 },
  modelsUrl: 'https://wonda.sh/docs'
}
