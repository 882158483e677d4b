// Vercel Edge (edge-runtime): a fetch-event handler importing the package the way a user would.
import './preamble.mjs';
import * as lib from 'lstm-wasm';
import { handle } from './handler.mjs';

addEventListener('fetch', (event) => event.respondWith(handle(lib, event.request)));
