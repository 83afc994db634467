/**
 * `@chainrule/nn`: models, losses, dropout and training on top of the graph, autodiff and optim
 * packages — the lecture's empirical risk minimisation, feed-forward networks and dropout.
 *
 * @packageDocumentation
 */

/**
 * The version of this package.
 *
 * @example
 * ```ts
 * VERSION; // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0';

export { fans, glorotNormal, glorotUniform, heNormal, heUniform, normal, uniform, zeros } from './initializers.js';
export type { FanLayout } from './initializers.js';
export type { BuildContext, ForwardOptions, Layer } from './layers/layer.js';
export { activate, activation } from './layers/activation.js';
export type { ActivationName } from './layers/activation.js';
export { dense } from './layers/dense.js';
export type { DenseOptions } from './layers/dense.js';
export { dropout, dropoutRate } from './layers/dropout.js';
export { gaussianNoise } from './layers/noise.js';
export { avgPool2d, conv2d, maxPool2d } from './layers/conv.js';
export type { Conv2dLayerOptions, Pool2dLayerOptions } from './layers/conv.js';
export { batchNorm, layerNorm } from './layers/normalization.js';
export type { BatchNormOptions, LayerNormOptions } from './layers/normalization.js';
export { flatten, reshape } from './layers/reshape.js';
export type { NoiseOptions } from './layers/noise.js';
export type { DropoutMode, DropoutOptions, DropoutSpec } from './layers/dropout.js';
export { Model, sequential } from './layers/sequential.js';
export type { SummaryRow } from './layers/summary.js';
export type { ModelBuildOptions } from './layers/sequential.js';
export { binaryCrossEntropy, binaryCrossEntropyFromLogits, crossEntropy, crossEntropyFromLogits, empiricalRisk, klDivergence, misclassification, misclassificationFromLogits, squaredLoss } from './losses.js';
export { accuracy, accuracyFromLogits, confusionMatrix, topK } from './metrics.js';
export { batches, exampleCount, permutation, takeRows, trainValidationSplit } from './data.js';
export type { BatchOptions, Dataset } from './data.js';
export { DivergenceError, Trainer, loadModel } from './trainer.js';
export type { EpochCallback, EpochRecord, ExampleLoss, FitOptions, SampledPredictionOptions, TrainerOptions } from './trainer.js';
export { randomShift } from './augment.js';
export type { Augmentation, AugmentationContext, ShiftOptions } from './augment.js';
export { averageOutputs } from './averaging.js';
export type { Averaging } from './averaging.js';
export { Ensemble } from './ensemble.js';
export type { EnsembleOptions } from './ensemble.js';
export { CHECKPOINT_VERSION, checkpointToText, loadCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
export type { CheckpointJSON, RestoreOptions } from './checkpoint.js';
export { epochProgress } from './progress.js';
export type { ProgressMode, ProgressReporter } from './progress.js';
