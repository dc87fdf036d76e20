// `--import` entry: installs ts-hooks.mjs (see there) in this thread.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
