import './style.css';
import { App } from './app.ts';
import { startInferenceWorker } from './inference-client.ts';
import { installTestHook } from './test-hook.ts';
import { getUi } from './ui.ts';

const ui = getUi();
const engine = startInferenceWorker();
const app = new App(ui, engine, __CROWD_MODEL_ORIGINS__);
installTestHook(app, engine, app.start());

// Anything that still escapes becomes a message too (and stays visible to developer tools).
window.addEventListener('unhandledrejection', (event) => app.showError(`Something went wrong: ${String(event.reason?.message ?? event.reason)}`));
