package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.tensor.RandomSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings every {@link GradientCheck} shares, as a fluent builder; {@link #run()} performs the
 * check and returns its {@link GradCheckReport}. A builder may be run more than once.
 *
 * @param <B> the concrete builder type
 */
public abstract class CheckBuilder<B extends CheckBuilder<B>> {
    private final ComponentKind<?> kind;
    private final String componentId;
    private Map<String, Object> params = Map.of();
    private long seed = TestContexts.DEFAULT_SEED;
    private double step = GradientCheck.DEFAULT_STEP;
    private double threshold = GradientCheck.DEFAULT_THRESHOLD;
    private int batch = 4;
    private double scale;
    private double[] edgeValues = GradientCheck.defaultEdgeValues();
    private int maxChecksPerTensor = 64;
    private double domainLow = Double.NEGATIVE_INFINITY;
    private double domainHigh = Double.POSITIVE_INFINITY;

    CheckBuilder(ComponentKind<?> kind, String componentId, double defaultScale) {
        this.kind = requireNonNull(kind, "kind is null");
        this.componentId = requireNonNull(componentId, "componentId is null");
        this.scale = defaultScale;
    }

    abstract B self();

    /** Performs the check. Exceptions thrown by the component propagate. */
    public abstract GradCheckReport run();

    /** Raw parameter values, validated against the factory's declared parameters (ignored for suppliers). */
    public B params(Map<String, ?> params) {
        this.params = new LinkedHashMap<>(requireNonNull(params, "params is null"));
        return self();
    }

    /** The seed of the build context and of the random points (default {@link TestContexts#DEFAULT_SEED}). */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** The finite-difference step {@code h} (default {@link GradientCheck#DEFAULT_STEP}). */
    public B step(double step) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step must be a positive number, got " + step);
        }
        this.step = step;
        return self();
    }

    /** The largest relative error that passes (default {@link GradientCheck#DEFAULT_THRESHOLD}). */
    public B threshold(double threshold) {
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be a positive number, got " + threshold);
        }
        this.threshold = threshold;
        return self();
    }

    /** The number of rows (samples) of random points. */
    public B batch(int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
        this.batch = batch;
        return self();
    }

    /** The standard deviation of the random points. */
    public B inputScale(double scale) {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("input scale must be a positive number, got " + scale);
        }
        this.scale = scale;
        return self();
    }

    /** The edge values checked besides random points (default {@code 0, 30, -30}); none to skip them. */
    public B edgeValues(double... values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("edge values must be finite, got " + Arrays.toString(values));
            }
        }
        this.edgeValues = values.clone();
        return self();
    }

    /** At most this many elements of each tensor are compared (a seeded random subset of larger ones). */
    public B maxChecksPerTensor(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max checks per tensor must be positive, got " + max);
        }
        this.maxChecksPerTensor = max;
        return self();
    }

    /**
     * Restricts the points to the open interval {@code (low, high)}: random points are drawn uniformly
     * inside it (1% away from the ends) and edge values outside it are skipped. For components defined
     * only on part of the line, such as a loss on probabilities.
     */
    public B domain(double low, double high) {
        if (!(low < high)) {
            throw new IllegalArgumentException("domain needs low < high, got (" + low + ", " + high + ")");
        }
        this.domainLow = low;
        this.domainHigh = high;
        return self();
    }

    ComponentKind<?> kind() {
        return kind;
    }

    String componentId() {
        return componentId;
    }

    Map<String, Object> params() {
        return params;
    }

    long seed() {
        return seed;
    }

    double step() {
        return step;
    }

    double threshold() {
        return threshold;
    }

    int batch() {
        return batch;
    }

    int maxChecksPerTensor() {
        return maxChecksPerTensor;
    }

    /** The edge values inside the domain. */
    double[] edgeValues() {
        return Arrays.stream(edgeValues).filter(this::inDomain).distinct().toArray();
    }

    boolean inDomain(double v) {
        double margin = margin();
        return v > domainLow + margin && v < domainHigh - margin;
    }

    private double margin() {
        return Double.isInfinite(domainLow) || Double.isInfinite(domainHigh) ? 0.0 : 1e-2 * (domainHigh - domainLow);
    }

    /** A random point: normal(0, scale) on the whole line, uniform inside a bounded domain. */
    double randomPoint(RandomSource random) {
        if (Double.isInfinite(domainLow) || Double.isInfinite(domainHigh)) {
            for (int attempt = 0; attempt < 1000; attempt++) {
                double v = random.normal(0.0, scale);
                if (inDomain(v)) {
                    return v;
                }
            }
            throw new IllegalStateException("no random point found in the domain (" + domainLow + ", " + domainHigh + ")");
        }
        double margin = margin();
        return random.uniform(domainLow + margin, domainHigh - margin);
    }

    /** All indices of a tensor of {@code size} elements, or a seeded random subset of {@link #maxChecksPerTensor()}. */
    int[] indices(int size, RandomSource random) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        if (size <= maxChecksPerTensor) {
            return all;
        }
        for (int i = 0; i < maxChecksPerTensor; i++) {
            int j = i + random.nextInt(size - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] subset = Arrays.copyOf(all, maxChecksPerTensor);
        Arrays.sort(subset);
        return subset;
    }
}
