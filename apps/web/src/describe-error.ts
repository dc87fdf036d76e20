/**
 * Turns anything thrown while loading a model, reading an image or using the
 * camera into one readable sentence for the page. Errors may come from the
 * inference worker as plain `{ name, message, code }` objects, so this looks
 * at those fields rather than at classes.
 */
export interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
}

const CAMERA: Record<string, string> = {
  NotAllowedError: 'Camera access was denied. Allow the camera for this page in the browser (the icon in the address bar) and try again.',
  SecurityError: 'The camera is blocked here. Browsers allow it only on https:// pages or on localhost.',
  NotFoundError: 'No camera was found on this device.',
  OverconstrainedError: 'No camera on this device can deliver the requested video.',
  NotReadableError: 'The camera could not be started; another application may be using it.',
  AbortError: 'Starting the camera was interrupted. Try again.',
};

const CSRNET_HINTS: Record<string, string> = {
  WEIGHTS_FORMAT: 'Pick a tfjs model.json together with its weights.bin, a CSRNet PyTorch checkpoint (.pth / .pth.tar) or an .onnx written by crowd export.',
  ONNX_FORMAT: 'Pick an .onnx written by crowd export, a tfjs model.json together with its weights.bin, or a CSRNet PyTorch checkpoint (.pth / .pth.tar).',
  WEIGHTS_MISMATCH: 'The file holds weights, but not ones that fit CSRNet.',
  PICKLE_UNSUPPORTED: 'Nothing in the file was executed. Re-save the model with torch.save(model.state_dict(), path).',
  BACKEND_UNAVAILABLE: 'Choose another engine.',
  ENGINE_UNAVAILABLE: 'Choose another engine.',
};

/** `action` says what was being done, e.g. "Loading the model". */
export function describeError(error: unknown, action: string): string {
  const e: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
  const name = e.name ?? '';
  if (action.toLowerCase().includes('camera') && name in CAMERA) return `${action} failed: ${CAMERA[name]}`;
  const message = (e.message ?? '').trim() || name || 'unknown error';
  const hint = e.code !== undefined ? CSRNET_HINTS[e.code] : undefined;
  return `${action} failed: ${message}${/[.!?]$/.test(message) ? '' : '.'}${hint ? ` ${hint}` : ''}`;
}
