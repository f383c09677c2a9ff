/**
 * Experiment specs: reading YAML or JSON ({@link io.gradlab.engine.spec.SpecLoader}, with {@code --set}
 * overrides), checking components and filling their defaults ({@link io.gradlab.engine.spec.SpecValidator}),
 * and writing the resolved spec back ({@link io.gradlab.engine.spec.SpecWriter}). The format is described
 * in {@code docs/experiment-spec.md}.
 */
package io.gradlab.engine.spec;
