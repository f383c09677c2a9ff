package io.gradlab.engine.kernel;

import java.lang.reflect.InvocationTargetException;

/**
 * Finds the Vector API kernels ({@code jdk.incubator.vector}), which exist only when the JVM runs
 * with {@code --add-modules jdk.incubator.vector}; without the module the engine uses plain Java
 * loops. The kernels are loaded by name so that nothing else links against the incubator module.
 * {@code -Dgradlab.vector=false} turns them off.
 */
final class VectorSupport {
    static final FloatKernels KERNELS = loadKernels();
    /** The float evaluator of elementwise programs: the Vector API's, or plain loops. */
    static final BlockEval BLOCK_EVAL = available() ? (BlockEval) instance("io.gradlab.engine.kernel.VectorBlockEval") : ScalarFloatEval.INSTANCE;

    private VectorSupport() {}

    /** Whether the JVM has the Vector API module and it is not turned off. */
    static boolean available() {
        return !"false".equalsIgnoreCase(System.getProperty("gradlab.vector", "true").trim())
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The Vector API matrix product, or {@code null} without the module. */
    static FloatGemm gemm() {
        return available() ? (FloatGemm) instance("io.gradlab.engine.kernel.VectorGemm") : null;
    }

    private static FloatKernels loadKernels() {
        return available() ? (FloatKernels) instance("io.gradlab.engine.kernel.VectorKernels") : ScalarKernels.INSTANCE;
    }

    private static Object instance(String className) {
        try {
            return Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("the engine jar is incomplete: cannot load " + className, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot start " + className + ": " + e.getCause(), e.getCause());
        }
    }
}
