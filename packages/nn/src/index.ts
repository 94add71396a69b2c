// @tsgrad/nn: modules, PyTorch-compatible state dicts and safetensors for tsgrad.

export { SafetensorsError } from './safetensors/errors.js';
export { type SafetensorsDType } from './safetensors/dtypes.js';
export { parseSafetensors, type SafetensorsContents } from './safetensors/parse.js';
export { serializeSafetensors } from './safetensors/serialize.js';
export { saveSafetensorsFile, loadSafetensorsFile } from './safetensors/node.js';
