import { checkModelUrl } from '../model-origins.ts';
import { isModelFileName } from '../model-files.ts';

/** A model URL that could not be fetched; the message names the URL and what went wrong. */
export class ModelFetchError extends Error {
  override name = 'ModelFetchError';
}

/** The fetch the worker uses (injectable for tests). */
export type Fetch = (url: string) => Promise<Response>;

const fileName = (url: URL) => decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));

async function fetchFile(url: URL, fetcher: Fetch): Promise<File> {
  let response: Response;
  try {
    response = await fetcher(url.href);
  } catch (error) {
    // A network failure, a blocked redirect or a missing CORS header all read "Failed to fetch" in browsers.
    throw new ModelFetchError(
      `${url.href} could not be fetched (${(error as Error).message}). The server may be down, or it does not allow other sites to download the file (CORS). Download it and pick the file with "Load model files…" instead.`,
    );
  }
  if (!response.ok) throw new ModelFetchError(`${url.href}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`);
  return new File([await response.blob()], fileName(url));
}

/**
 * The files behind a model URL, fetched: the file itself for a PyTorch
 * checkpoint or an `.onnx`; for a tfjs `model.json`, it and every weight
 * file its manifest names (relative to it). Every URL, the weight files'
 * included, is checked against the allowed origins before it is fetched
 * (see `checkModelUrl`), so a refused URL makes no request at all.
 */
export async function fetchModelFiles(input: string, pageUrl: string, allowed: readonly string[], fetcher: Fetch): Promise<{ url: string; files: File[] }> {
  const url = checkModelUrl(input, pageUrl, allowed);
  const name = fileName(url);
  if (!isModelFileName(name)) {
    throw new ModelFetchError(`${url.href}: expected a URL that ends in model.json (tfjs), .pth / .pth.tar (PyTorch) or .onnx, found ${JSON.stringify(name || '/')}.`);
  }
  const first = await fetchFile(url, fetcher);
  if (!/\.json$/i.test(name)) return { url: url.href, files: [first] };
  let manifest: { weightsManifest?: Array<{ paths?: unknown }> };
  try {
    manifest = JSON.parse(await first.text());
  } catch (error) {
    throw new ModelFetchError(`${url.href} is not a tfjs model.json (not valid JSON: ${(error as Error).message}).`);
  }
  const paths = (manifest.weightsManifest ?? []).flatMap((group) => (Array.isArray(group.paths) ? group.paths.map(String) : []));
  const weights = paths.map((path) => checkModelUrl(new URL(path, url).href, pageUrl, allowed));
  return { url: url.href, files: [first, ...(await Promise.all(weights.map((w) => fetchFile(w, fetcher))))] };
}
