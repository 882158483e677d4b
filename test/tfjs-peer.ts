/** TensorFlow.js from test/peers (installed by scripts/peers.js), imported in this one place. */
export * as tf from './peers/node_modules/@tensorflow/tfjs/dist/tf.node.js';
