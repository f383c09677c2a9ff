package io.gradlab.plugins.conv;

import io.gradlab.api.tensor.Tensor;

/**
 * Argument arrays for the kernels, one per length, reused from call to call so that a forward or
 * backward pass passes no new varargs array. An array is valid until the next {@code of} of its
 * length: fill it right at the call.
 */
final class Args {
    private final Tensor[][] arrays = new Tensor[8][];

    private Tensor[] array(int n) {
        Tensor[] a = arrays[n];
        if (a == null) {
            a = new Tensor[n];
            arrays[n] = a;
        }
        return a;
    }

    Tensor[] of(Tensor a) {
        Tensor[] r = array(1);
        r[0] = a;
        return r;
    }

    Tensor[] of(Tensor a, Tensor b) {
        Tensor[] r = array(2);
        r[0] = a;
        r[1] = b;
        return r;
    }

    Tensor[] of(Tensor a, Tensor b, Tensor c) {
        Tensor[] r = array(3);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        return r;
    }

    Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d) {
        Tensor[] r = array(4);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        r[3] = d;
        return r;
    }

    Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e) {
        Tensor[] r = array(5);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        r[3] = d;
        r[4] = e;
        return r;
    }

    Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f) {
        Tensor[] r = array(6);
        r[0] = a;
        r[1] = b;
        r[2] = c;
        r[3] = d;
        r[4] = e;
        r[5] = f;
        return r;
    }

    Tensor[] of(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f, Tensor g) {
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
