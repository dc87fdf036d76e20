import { IMAGENET_NORMALIZATION, type CsrnetVariant, type InputNormalization } from '@crowd/csrnet/spec';
import { CountError } from '../errors.js';

/** A file that can be fetched over HTTP(S): the URLs are tried in order. */
export interface DownloadSource {
  kind: 'download';
  urls: readonly string[];
}

/** A file its publisher shares only behind a page a program cannot download from (a Google Drive confirmation page). */
export interface ManualSource {
  kind: 'manual';
  /** The page to download it from, by hand. */
  page: string;
}

/** How an image must be prepared for the weights, as their publisher prepares it. */
export interface ModelPreprocessing {
  /** The input normalisation the weights were trained with. */
  normalization: InputNormalization;
  /**
   * The longest side, in pixels, the publisher resizes every image to before
   * counting (`crowd count` shrinks larger photos to it); undefined where
   * the publisher counts images at their own size.
   */
  maxSide?: number;
  /** What the publisher's code does, in words. */
  description: string;
}

/** One set of pretrained weights: plain data, so the browser, the CLI and docs read the same facts. */
export interface ModelEntry {
  /** What `--weights` and `crowd models pull` take. */
  id: string;
  /** One line for `crowd models list`. */
  title: string;
  architecture: { name: 'CSRNet'; variant: CsrnetVariant; widthDivisor: number };
  /** The data set the weights were trained on. */
  trainedOn: string;
  /** Test-set errors as their publisher reports them (`mse` is the field's name for the root mean squared error). */
  reported?: { mae: number; mse?: number; source: string };
  /** The file's name in the cache and on a mirror. */
  fileName: string;
  /** Where the PyTorch file keeps the state_dict: at the top (`none`), or under `'model'` (LWCC) or `'state_dict'` (the reference's checkpoints). */
  container: 'none' | 'model' | 'state_dict';
  source: DownloadSource | ManualSource;
  /** The file's size in bytes; undefined where no publisher states it (the first download's is then recorded). */
  bytes?: number;
  /** The file's SHA-256 (lowercase hex); undefined where no publisher states it (the first download's is then recorded and checked on every later use). */
  sha256?: string;
  preprocessing: ModelPreprocessing;
  /** Terms of use, as far as the publishers state them. */
  licence: string;
  /** Where each fact above comes from. */
  provenance: readonly string[];
}

const LWCC_RELEASE = 'https://github.com/tersekmatija/lwcc_weights/releases/download/v0.1';

const LWCC_PREPROCESSING: ModelPreprocessing = Object.freeze({
  normalization: IMAGENET_NORMALIZATION,
  maxSide: 1000,
  description:
    "LWCC's load_image (resize_img=True, the default): RGB, the longest side resized to 1000 px (PIL bilinear; LWCC also enlarges smaller images, crowd count only shrinks), ToTensor, ImageNet Normalize",
});

const REFERENCE_PREPROCESSING: ModelPreprocessing = Object.freeze({
  normalization: IMAGENET_NORMALIZATION,
  description: "CSRNet-pytorch's train.py: RGB at the image's own size (ShanghaiTech: up to 1024 px), ToTensor, ImageNet Normalize",
});

const LWCC_LICENCE =
  'MIT (tersekmatija/lwcc_weights LICENSE, 2021); LWCC says the licences of the models it wraps are inherited, and CSRNet-pytorch states none';

const LWCC_PROVENANCE = [
  'URL: tersekmatija/lwcc lwcc/util/functions.py build_url (release v0.1, "{model}_{weights}.pth")',
  "container: lwcc/models/CSRNet.py make_model, model.load_state_dict(torch.load(output)['model']); parameter names as CSRNet-pytorch's model.py (frontend.N, backend.N, output_layer)",
  'preprocessing: lwcc/util/functions.py load_image',
  "origin: lwcc's delete_later.py re-saves a CSRNet-pytorch checkpoint's state_dict as {'model': …} (commented-out code), so these are most likely the reference's weights",
  'size and sha256: not published anywhere found; recorded on first download',
];

const REFERENCE_PROVENANCE = [
  'page: leeyeehoo/CSRNet-pytorch README.md (ed29d89), section Results',
  "container: train.py save_checkpoint({'epoch', 'arch', 'state_dict', 'best_prec1', 'optimizer'}), saved by PyTorch 0.4 (README prerequisites): the legacy format",
  "file name: train.py names its best checkpoint <task>model_best.pth.tar; it circulates as PartAmodel_best.pth.tar and partBmodel_best.pth.tar (any name works: crowd models path says where to save it)",
  'size and sha256: not published; recorded on first use',
];

/**
 * The pretrained models `crowd` knows. LWCC's are downloaded on first use;
 * the reference authors' are on Google Drive, which needs a browser: they
 * are fetched by hand and saved where `crowd models path <id>` says.
 */
export const MODEL_REGISTRY: readonly ModelEntry[] = Object.freeze([
  {
    id: 'csrnet-sha-lwcc',
    title: 'CSRNet, ShanghaiTech Part A (dense crowds), LWCC weights',
    architecture: { name: 'CSRNet', variant: 'B', widthDivisor: 1 },
    trainedOn: 'ShanghaiTech Part A',
    reported: { mae: 75.44, mse: 113.55, source: 'LWCC README.md, Models table (SHA test set)' },
    fileName: 'CSRNet_SHA.pth',
    container: 'model',
    source: { kind: 'download', urls: [`${LWCC_RELEASE}/CSRNet_SHA.pth`] },
    preprocessing: LWCC_PREPROCESSING,
    licence: LWCC_LICENCE,
    provenance: LWCC_PROVENANCE,
  },
  {
    id: 'csrnet-shb-lwcc',
    title: 'CSRNet, ShanghaiTech Part B (sparser street scenes), LWCC weights',
    architecture: { name: 'CSRNet', variant: 'B', widthDivisor: 1 },
    trainedOn: 'ShanghaiTech Part B',
    reported: { mae: 11.27, mse: 19.32, source: 'LWCC README.md, Models table (SHB test set)' },
    fileName: 'CSRNet_SHB.pth',
    container: 'model',
    source: { kind: 'download', urls: [`${LWCC_RELEASE}/CSRNet_SHB.pth`] },
    preprocessing: LWCC_PREPROCESSING,
    licence: LWCC_LICENCE,
    provenance: LWCC_PROVENANCE,
  },
  {
    id: 'csrnet-sha-reference',
    title: "CSRNet, ShanghaiTech Part A, the CSRNet-pytorch authors' checkpoint",
    architecture: { name: 'CSRNet', variant: 'B', widthDivisor: 1 },
    trainedOn: 'ShanghaiTech Part A',
    reported: { mae: 66.4, source: 'CSRNet-pytorch README.md, Results' },
    fileName: 'PartAmodel_best.pth.tar',
    container: 'state_dict',
    source: { kind: 'manual', page: 'https://drive.google.com/open?id=1Z-atzS5Y2pOd-nEWqZRVBDMYJDreGWHH' },
    preprocessing: REFERENCE_PREPROCESSING,
    licence: 'none stated (CSRNet-pytorch has no LICENSE file)',
    provenance: REFERENCE_PROVENANCE,
  },
  {
    id: 'csrnet-shb-reference',
    title: "CSRNet, ShanghaiTech Part B, the CSRNet-pytorch authors' checkpoint",
    architecture: { name: 'CSRNet', variant: 'B', widthDivisor: 1 },
    trainedOn: 'ShanghaiTech Part B',
    reported: { mae: 10.6, source: 'CSRNet-pytorch README.md, Results' },
    fileName: 'PartBmodel_best.pth.tar',
    container: 'state_dict',
    source: { kind: 'manual', page: 'https://drive.google.com/open?id=1zKn6YlLW3Z9ocgPbP99oz7r2nC7_TBXK' },
    preprocessing: REFERENCE_PREPROCESSING,
    licence: 'none stated (CSRNet-pytorch has no LICENSE file)',
    provenance: REFERENCE_PROVENANCE,
  },
] satisfies ModelEntry[]);

/** What `crowd count` uses without `--weights`: CSRNet trained on ShanghaiTech Part A, LWCC's weights (the model `pip install lwcc` counts with by default). */
export const DEFAULT_MODEL_ID = 'csrnet-sha-lwcc';

/** The registry entry for `id`, or a `CountError('MODEL_UNKNOWN')` listing the ids there are. */
export function findModel(id: string, registry: readonly ModelEntry[] = MODEL_REGISTRY): ModelEntry {
  const entry = registry.find((m) => m.id === id);
  if (entry === undefined) {
    throw new CountError('MODEL_UNKNOWN', undefined, `no model ${JSON.stringify(id)} in the registry (known: ${registry.map((m) => m.id).join(', ')})`);
  }
  return entry;
}

/**
 * The URLs to fetch `entry` from, in order: with a mirror (a base URL, as
 * `CROWD_MODELS_MIRROR` gives it), only `<mirror>/<fileName>`, which also
 * makes a hand-fetched model downloadable; otherwise the publisher's URLs,
 * none for a manual model.
 */
export function modelUrls(entry: ModelEntry, mirror?: string): string[] {
  if (mirror !== undefined && mirror !== '') return [`${mirror.replace(/\/+$/, '')}/${encodeURIComponent(entry.fileName)}`];
  return entry.source.kind === 'download' ? [...entry.source.urls] : [];
}
