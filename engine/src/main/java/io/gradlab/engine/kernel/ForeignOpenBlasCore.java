package io.gradlab.engine.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.function.Supplier;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.SymbolLookup;

/**
 * Calls {@code openblas_get_corename()} of the OpenBLAS library {@code library} through the JVM's foreign-function
 * API (JDK 17's incubator form). {@link OpenBlasCore} loads this class by name, only when the JVM has the module.
 * Loading the library again returns the instance netlib already opened, so the answer is that instance's core.
 */
final class ForeignOpenBlasCore implements Supplier<String> {
    private final Path library;

    ForeignOpenBlasCore(Path library) {
        this.library = library;
    }

    @Override
    public String get() {
        System.load(library.toString());
        MemoryAddress symbol = SymbolLookup.loaderLookup().lookup("openblas_get_corename")
                .orElseThrow(() -> new IllegalStateException(library + " has no openblas_get_corename"));
        MethodHandle corename = CLinker.getInstance().downcallHandle(symbol, MethodType.methodType(MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_POINTER));
        try {
            return CLinker.toJavaString((MemoryAddress) corename.invokeExact());
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_get_corename() failed: " + e, e);
        }
    }
}
