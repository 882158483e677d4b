// workerd (Cloudflare Workers): a module Worker importing the package the way a user would.
import './preamble.mjs';
import * as lib from 'lstm-wasm';
import { handle } from './handler.mjs';

export default {
  fetch: (request) => handle(lib, request),
};
