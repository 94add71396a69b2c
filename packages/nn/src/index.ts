// @tsgrad/nn: modules, PyTorch-compatible state dicts and safetensors for tsgrad.

export { SafetensorsError } from './safetensors/errors.js';
export { type SafetensorsDType } from './safetensors/dtypes.js';
export { parseSafetensors, type ParseOptions, type SafetensorsContents } from './safetensors/parse.js';
export { serializeSafetensors, type SerializeOptions } from './safetensors/serialize.js';
export { saveSafetensorsFile, loadSafetensorsFile } from './safetensors/node.js';

// Modules, layers, attention, Transformer blocks and model families (the nn engineer's part).
export { Module, type Member, type ModuleTarget } from './module.js';
export { pyRepr } from './repr.js';
export type { ForwardHook, ForwardPreHook, HookOptions, RemovableHandle } from './hooks.js';
import './hooks.js'; // attaches Module's registerForwardPreHook / registerForwardHook
export { Parameter, Buffer } from './parameter.js';
export { StateDictError, type LoadOptions, type LoadReport, type ShapeMismatch } from './state-dict.js';
export { functionalCall, cloneModule } from './functional-call.js';
export * as init from './init.js';
export {
  calculateGain, calculateFanInAndFanOut, uniform_, normal_, constant_, ones_, zeros_, truncNormal_,
  xavierUniform_, xavierNormal_, kaimingUniform_, kaimingNormal_, type InitOptions, type Nonlinearity,
} from './init.js';
export { Linear, Identity, type LinearOptions } from './layers/linear.js';
export { QuantizedLinear } from './layers/quantized-linear.js';
export { QuantizedEmbedding, tiedLinear } from './layers/quantized-embedding.js';
export { quantizeDynamic, quantizedModuleNames, type QuantizeDynamicOptions, type ModuleClass } from './quantize-dynamic.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { LayerNorm, RMSNorm, type LayerNormOptions, type RMSNormOptions } from './layers/normalization.js';
export { ReLU, GELU, SiLU, Tanh, Softmax, Dropout, resolveActivation, type Activation, type DropoutOptions } from './layers/activation.js';
export { BCELoss, CrossEntropyLoss, MSELoss, type BCELossOptions, type CrossEntropyLossOptions, type MSELossOptions } from './layers/loss.js';
export { Sequential, ModuleList, ModuleDict, type TensorModule } from './layers/containers.js';
export { ParameterList, Flatten } from './layers/parameter-list.js';
export { Conv1d, Conv2d, type ConvOptions } from './layers/conv.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './layers/batchnorm.js';
export { LSTM, GRU, type RNNOptions, type LSTMOptions } from './layers/rnn.js';
export { generateSquareSubsequentMask, causalMask, canonicalMask, mergeMasks, type MaskOptions, type MergeMaskInput } from './attention/masks.js';
export { KVCache } from './attention/kv-cache.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type AttentionForwardOptions } from './attention/multihead-attention.js';
export { SinusoidalPositionalEncoding, LearnedPositionalEmbedding, sinusoidalTable } from './attention/positional.js';
export { RotaryEmbedding, type RotaryOptions } from './attention/rotary.js';
export {
  TransformerEncoderLayer, TransformerDecoderLayer,
  type TransformerLayerOptions, type EncoderLayerForwardOptions, type DecoderLayerForwardOptions,
} from './transformer/layers.js';
export {
  TransformerEncoder, TransformerDecoder, Transformer,
  type EncoderForwardOptions, type DecoderForwardOptions, type TransformerOptions, type TransformerForwardOptions,
} from './transformer/transformer.js';
export { GPT, GPTModel, gptConfig, type GPTConfig, type FullGPTConfig, type GPTForwardOptions } from './models/gpt.js';
export { BertModel, BertMLM, MLMHead, bertConfig, type BertConfig, type FullBertConfig } from './models/bert.js';
export { Seq2SeqTransformer, type Seq2SeqConfig, type Seq2SeqDecodeOptions } from './models/seq2seq.js';
export type { Seq2SeqCaches } from './models/seq2seq-decode.js';
export {
  SequenceClassifier, TokenClassifier, poolHidden, buildBody,
  type Pooling, type Body, type BodyConfig, type SequenceClassifierConfig, type TokenClassifierConfig,
} from './models/heads.js';
export { QuestionAnswering, spanLoss, bestSpan, type QuestionAnsweringConfig, type Span, type BestSpanOptions } from './models/qa.js';
export { sampleToken, sampleTokens, type SamplingOptions } from './models/sampling.js';
export { generateIds, type GenerateOptions, type CausalLM } from './models/generate.js';
export { initTransformerWeights } from './models/init-weights.js';
export { saveModel, readModelFile, loadModel, MODEL_TYPES, type ModelFile, type ConfiguredModel, type SaveModelOptions } from './models/model-file.js';
