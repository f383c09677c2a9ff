/**
 * TensorBoard event files: {@link io.gradlab.engine.tensorboard.EventFile} writes {@code Event}
 * protobufs in TFRecord framing; {@link io.gradlab.engine.tensorboard.TensorBoardSink} writes a
 * training run's figures while it trains and {@link io.gradlab.engine.tensorboard.TensorBoardExport}
 * those of a run folder afterwards.
 */
package io.gradlab.engine.tensorboard;
