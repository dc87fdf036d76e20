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
    modelUrlForm: byId('model-url-form', HTMLFormElement),
    modelUrl: byId('model-url', HTMLInputElement),
    modelOrigins: byId('model-origins', HTMLElement),
    saveModel: byId('save-model', HTMLInputElement),
    forgetModel: byId('forget-model', HTMLButtonElement),
    dropZone: byId('drop-zone', HTMLElement),
    imageInput: byId('image-input', HTMLInputElement),
    cameraStart: byId('camera-start', HTMLButtonElement),
    cameraStop: byId('camera-stop', HTMLButtonElement),
    cameraInterval: byId('camera-interval', HTMLInputElement),
    maxSide: byId('max-side', HTMLSelectElement),
    engine: byId('engine', HTMLSelectElement),
    engineStatus: byId('engine-status', HTMLElement),
    message: byId('message', HTMLElement),
    count: byId('count', HTMLElement),
    warnings: byId('warnings', HTMLUListElement),
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
