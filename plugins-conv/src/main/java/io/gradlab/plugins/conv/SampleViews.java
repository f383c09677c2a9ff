package io.gradlab.plugins.conv;

import io.gradlab.api.tensor.Tensor;

/**
 * Per-sample matrix views {@code [rows, cols]} of a batch tensor (sample {@code n} at elements
 * {@code [n rows cols, (n + 1) rows cols)}), kept for the last few tensors seen: a layer sees the same
 * few buffers step after step, so once each sample's view was made no view is made any more.
 */
final class SampleViews {
    private final int rows;
    private final int cols;
    private final Tensor[] sources = new Tensor[8];
    private final Tensor[][] views = new Tensor[8][];
    private int next;

    SampleViews(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Sample {@code n} of {@code t} as the matrix {@code [rows, cols]}. Synchronized: the threads of a
     * parallel pass ask for their samples at once, and a tensor seen for the first time changes the table.
     */
    synchronized Tensor of(Tensor t, int n) {
        Tensor[] v = null;
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == t) {
                v = views[i];
                break;
            }
        }
        if (v == null) {
            v = new Tensor[t.size() / (rows * cols)];
            sources[next] = t;
            views[next] = v;
            next = (next + 1) % sources.length;
        }
        Tensor view = v[n];
        if (view == null) {
            int size = rows * cols;
            view = t.reshape(t.size()).slice(n * size, (n + 1) * size).reshape(rows, cols);
            v[n] = view;
        }
        return view;
    }
}
