package io.gradlab.engine.sweep;

/**
 * A kind of sweep executor ({@code gradlab sweep --engine ID}), registered in
 * {@code META-INF/services/io.gradlab.engine.sweep.SweepExecutorProvider}. Creating the provider does
 * no work; {@link #create()} may load heavy libraries (Spark).
 */
public interface SweepExecutorProvider {
    /** The engine's id: {@code local}, {@code spark}. */
    String id();

    /** One line for {@code --help} and messages. */
    String description();

    SweepExecutor create();
}
