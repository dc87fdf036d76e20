/** The page's elements, looked up once. */
function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html lacks #${id} (${type.name})`);
  return element;
}

export function getUi() {
  return {
    modelStatus: byId('model-status', HTMLElement),
    modelInput: byId('model-input', HTMLInputElement),
    saveModel: byId('save-model', HTMLInputElement),
    forgetModel: byId('forget-model', HTMLButtonElement),
    dropZone: byId('drop-zone', HTMLElement),
    imageInput: byId('image-input', HTMLInputElement),
    cameraStart: byId('camera-start', HTMLButtonElement),
    cameraStop: byId('camera-stop', HTMLButtonElement),
    cameraInterval: byId('camera-interval', HTMLInputElement),
    maxSide: byId('max-side', HTMLSelectElement),
    backend: byId('backend', HTMLSelectElement),
    backendStatus: byId('backend-status', HTMLElement),
    message: byId('message', HTMLElement),
    count: byId('count', HTMLElement),
    countNote: byId('count-note', HTMLElement),
    timing: byId('timing', HTMLElement),
    scaleNote: byId('scale-note', HTMLElement),
    heatmap: byId('heatmap', HTMLCanvasElement),
    legendLo: byId('legend-lo', HTMLElement),
    legendHi: byId('legend-hi', HTMLElement),
    legendBar: byId('legend-bar', HTMLCanvasElement),
    video: byId('camera', HTMLVideoElement),
    debug: byId('debug', HTMLElement),
  };
}

export type Ui = ReturnType<typeof getUi>;
