/**
 * gradlab as a Java library: {@link io.gradlab.engine.library.Gradlab} finds the components,
 * {@link io.gradlab.engine.library.Experiment} says what to train with the same components and
 * parameters as a spec file, and {@link io.gradlab.engine.library.Training} trains it, with hooks on
 * any layer that see its output and {@code dL/da} at every step. See {@code docs/library.md}.
 */
package io.gradlab.engine.library;
