package io.gradlab.api.tensor;

/**
 * Argument arrays for the kernels ({@link Ops#map}, {@link Ops#sum}, ... take {@code Tensor...}), one
 * per length, reused from call to call so that a layer's forward or backward pass makes no varargs
 * array: keep one per layer ({@code private final TensorArgs args = new TensorArgs();}) and call
 * {@code ops.map(program, scalars, args.of(x, y))}. An array is valid until the next {@code of} of
 * its length: fill it right at the call. Not for sharing between threads.
 */
public final class TensorArgs {
    private final Tensor[][] arrays = new Tensor[8][];

    private Tensor[] array(int n) {
        Tensor[] a = arrays[n];
        if (a == null) {
            a = new Tensor[n];
            arrays[n] = a;
        }
        return a;
    }

    public Tensor[] of(Tensor a) {
        Tensor[] r = array(1);
        r[0] = a;
        return r;
    }

    public Tensor[] of(Tensor a, Tensor b) {
        Tensor[] r = array(2);
        r[0] = a;
        r[1] = b;
        return r;
    }

    public Tensor[] of(Tensor a, Tensor b, Tensor c) {
        Tensor[] r = array(3);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        return r;
    }

    public Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d) {
        Tensor[] r = array(4);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        r[3] = d;
        return r;
    }

    public Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e) {
        Tensor[] r = array(5);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        r[3] = d;
        r[4] = e;
        return r;
    }

    public Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f) {
        Tensor[] r = array(6);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        r[3] = d;
        r[4] = e;
        r[5] = f;
        return r;
    }

    public Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f, Tensor g) {
        Tensor[] r = array(7);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        r[3] = d;
        r[4] = e;
        r[5] = f;
        r[6] = g;
        return r;
    }
}
