// How to split one training step of the reference network (784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy,
// SGD) over 2 threads, measured in C on OpenBLAS alone: no JVM, no diagnostics, only the arithmetic of a step and
// the hand-overs between threads (spinning barriers, threads pinned to cores). It times the ideas of
// docs/performance.md ("Batch 64: how to split a step") before they are built into the engine.
//
//   gcc -O3 -ffast-math -march=native -o /tmp/split-strategies bench/split-strategies.c \
//       /usr/lib/x86_64-linux-gnu/libopenblas.so.0 -lpthread -lm -lmvec
//   OPENBLAS_NUM_THREADS=1 /tmp/split-strategies VARIANT [BATCH=64] [STEPS=2000] [COPY=0]
//
// COPY=1 starts each step with each thread copying its half of the batch's rows from a 60 000-image array (as the
// engine's batch copy reads a shuffled epoch); variant 5 then waits for both halves, as its first layer reads all rows.
//
// (run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, as bench/compare.sh runs both sides)
// VARIANT 0: one thread, the whole batch.
//         1: every call split, as the engine splits a step now: each product by batch rows, the backward's input and
//            weight gradients side by side, each elementwise pass by rows, the update by a flat split of the parameters.
//         2: weight-stationary: each thread owns half of every layer's units (rows of W) in the forward product, the
//            weight gradient and the update; the input gradient is the sum of the two halves' partial products.
//            (For timing only: the update runs before the input gradient reads W.)
//         3: data parallel: each thread runs its half of the batch through the whole step, and the update adds the two
//            threads' gradients as it applies them (one pass over the parameters).
//         4: data parallel with the engine's separate passes: copy the values into the second copy and zero both
//            gradient sets, backward accumulating, add the copy's gradients into the first, then the update.
//         5: hybrid: the first layer (784 -> 128, half of the parameters) split by units as in 2 (each thread computes its
//            half of the units for every row, its weight gradient whole, no sum, and updates those weights itself: they
//            never leave its core), the other layers data parallel as in 4.
//         6: the forward pass and the input gradients split by rows, then each layer's weight gradient over the whole
//            batch, once (thread 0 the first layer, half of the parameters; thread 1 the other seven), each thread
//            updating what it computed: no sum of gradients (the engine's step at small batches since 2026-12-07).
//         7: as 6, with the forward product in OpenBLAS's fast form x * WT (WT = W^T, made by each layer's owner
//            after its update). NO_TRANSPOSE=1 leaves WT as it is: weights that never change and so never move
//            between the cores (a floor, not a training step). ONE_THREAD=1 runs variants 6 and 7 on one thread.
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc);

#define L 8
static int B = 64;
static int width[L + 1] = {784, 128, 128, 128, 128, 128, 128, 128, 10};
static float *W2[L], *W[L], *dW[L], *dW2[L], *bias[L], *db[L], *X[L + 1], *dX[L + 1], *part[2][L + 1], *Y[L];
static float *X1s, *dX1s, *data;
static int copyBatch, transposeEach = 1;
static float *WT[L];
static int variant, nthreads;
static atomic_int bar_count, bar_gen;
static unsigned stepno[2];

static void barrier(void) {
    int gen = atomic_load(&bar_gen);
    if (atomic_fetch_add(&bar_count, 1) == nthreads - 1) {
        atomic_store(&bar_count, 0);
        atomic_fetch_add(&bar_gen, 1);
    } else {
        while (atomic_load(&bar_gen) == gen) __builtin_ia32_pause();
    }
}

static float *alloc(size_t n) {
    float *p = aligned_alloc(64, ((n * 4 + 63) / 64) * 64);
    for (size_t i = 0; i < n; i++) p[i] = (float)((rand() % 1000) - 500) / 5000.0f;
    return p;
}

static float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

// forward of layer l for rows [r0,r1) and units [u0,u1) (y = x W^T + b, then sigmoid except last)
static void fwd(int l, int r0, int r1, int u0, int u1, float **Xs) {
    int in = width[l], out = width[l + 1];
    float *x = Xs[l], *y = Xs[l + 1];
    for (int r = r0; r < r1; r++) memcpy(y + r * out + u0, bias[l] + u0, (u1 - u0) * 4);
    cblas_sgemm(RowMajor, NoTrans, Trans, r1 - r0, u1 - u0, in, 1.0f, x + r0 * in, in, W[l] + u0 * in, in, 1.0f, y + r0 * out + u0, out);
    if (l < L - 1)
        for (int r = r0; r < r1; r++)
            for (int u = u0; u < u1; u++) y[r * out + u] = sigm(y[r * out + u]);
}

// softmax-CE gradient (fake labels) for rows [r0,r1)
static void lossgrad(int r0, int r1, float **Xs, float **dXs) {
    int out = width[L];
    for (int r = r0; r < r1; r++) {
        float *y = Xs[L] + r * out, *g = dXs[L] + r * out, m = y[0], s = 0;
        for (int u = 1; u < out; u++) m = y[u] > m ? y[u] : m;
        for (int u = 0; u < out; u++) s += (g[u] = expf(y[u] - m));
        for (int u = 0; u < out; u++) g[u] = g[u] / s / B - (u == r % out ? 1.0f / B : 0);
    }
}

// dY of layer l-1's output: dX * s (1 - s) over rows [r0,r1) columns [c0,c1)
static void actgrad(int l, int r0, int r1, int c0, int c1, float **Xs, float **dXs) {
    int w = width[l];
    for (int r = r0; r < r1; r++)
        for (int c = c0; c < c1; c++) {
            float s = Xs[l][r * w + c];
            dXs[l][r * w + c] *= s * (1 - s);
        }
}

static void sgd(int l, size_t e0, size_t e1, int sum2) {
    float lr = 0.01f;
    if (sum2)
        for (size_t i = e0; i < e1; i++) { W[l][i] -= lr * (dW[l][i] + dW2[l][i]); }
    else
        for (size_t i = e0; i < e1; i++) W[l][i] -= lr * dW[l][i];
}

// the split passes of variants 4 and 5 over layers [first, L): thread t's units of each layer
static void copy_and_zero(int t, int first) { // copy the values into the second copy, zero both gradient sets
    for (int l = first; l < L; l++) {
        int in = width[l], out = width[l + 1];
        size_t e0 = (size_t)(t * out / nthreads) * in, e1 = (size_t)((t + 1) * out / nthreads) * in;
        memcpy(W2[l] + e0, W[l] + e0, (e1 - e0) * 4);
        memset(dW[l] + e0, 0, (e1 - e0) * 4);
        memset(dW2[l] + e0, 0, (e1 - e0) * 4);
    }
}

static void add_copy(int t, int first) { // add the second copy's gradients into the first's
    for (int l = first; l < L; l++) {
        int in = width[l], out = width[l + 1];
        size_t e0 = (size_t)(t * out / nthreads) * in, e1 = (size_t)((t + 1) * out / nthreads) * in;
        for (size_t i = e0; i < e1; i++) dW[l][i] += dW2[l][i];
    }
}

static void update_units(int t) { // the update of every layer
    for (int l = 0; l < L; l++) {
        int in = width[l], out = width[l + 1];
        sgd(l, (size_t)(t * out / nthreads) * in, (size_t)((t + 1) * out / nthreads) * in, 0);
    }
}

static void step(int t) {
    int T = nthreads;
    if (copyBatch) {
        int r0 = t * B / T, r1 = (t + 1) * B / T;
        for (int r = r0; r < r1; r++) { // a pseudo-random image of 60 000, as a shuffled epoch reads them
            size_t idx = ((unsigned long long)(r * 2654435761u + stepno[t] * 40503u) * 2246822519u) % 60000;
            memcpy(X[0] + r * 784, data + idx * 784, 784 * 4);
            if (variant >= 3 && variant < 6) memcpy(part[0][0] + r * 784, data + idx * 784, 784 * 4);
        }
        stepno[t]++;
        if (variant == 5) barrier();
    }
    if (variant == 0) { // one thread, whole
        for (int l = 0; l < L; l++) fwd(l, 0, B, 0, width[l + 1], X);
        lossgrad(0, B, X, dX);
        for (int l = L - 1; l >= 0; l--) {
            int in = width[l], out = width[l + 1];
            cblas_sgemm(RowMajor, Trans, NoTrans, out, in, B, 1.0f, dX[l + 1], out, X[l], in, 0.0f, dW[l], in);
            if (l > 0) {
                cblas_sgemm(RowMajor, NoTrans, NoTrans, B, in, out, 1.0f, dX[l + 1], out, W[l], in, 0.0f, dX[l], in);
                actgrad(l, 0, B, 0, in, X, dX);
            }
        }
        for (int l = 0; l < L; l++) sgd(l, 0, (size_t)width[l] * width[l + 1], 0);
    } else if (variant == 1) { // batch rows forward, side-by-side backward, flat optimizer split
        int r0 = t * B / T, r1 = (t + 1) * B / T;
        for (int l = 0; l < L; l++) { fwd(l, r0, r1, 0, width[l + 1], X); barrier(); }
        if (t == 0) lossgrad(0, B, X, dX);
        barrier();
        for (int l = L - 1; l >= 0; l--) {
            int in = width[l], out = width[l + 1];
            if (t == 1 || l == 0) { if (t == (l == 0 ? 0 : 1)) cblas_sgemm(RowMajor, Trans, NoTrans, out, in, B, 1.0f, dX[l + 1], out, X[l], in, 0.0f, dW[l], in); }
            if (t == 0 && l > 0) cblas_sgemm(RowMajor, NoTrans, NoTrans, B, in, out, 1.0f, dX[l + 1], out, W[l], in, 0.0f, dX[l], in);
            barrier();
            if (l > 0) { actgrad(l, r0, r1, 0, in, X, dX); barrier(); }
        }
        size_t total = 0, acc = 0;
        for (int l = 0; l < L; l++) total += (size_t)width[l] * width[l + 1];
        size_t e0 = t * total / T, e1 = (t + 1) * total / T;
        for (int l = 0; l < L; l++) {
            size_t n = (size_t)width[l] * width[l + 1];
            size_t a = e0 > acc ? e0 - acc : 0, b = e1 - acc < n ? e1 - acc : n;
            if (e1 > acc && a < n && a < b) sgd(l, a, b, 0);
            acc += n;
        }
        barrier();
    } else if (variant == 2) { // units: each thread owns rows of W
        for (int l = 0; l < L; l++) {
            int out = width[l + 1];
            fwd(l, 0, B, t * out / T, (t + 1) * out / T, X);
            barrier();
        }
        if (t == 0) lossgrad(0, B, X, dX);
        barrier();
        for (int l = L - 1; l >= 0; l--) {
            int in = width[l], out = width[l + 1], u0 = t * out / T, u1 = (t + 1) * out / T;
            cblas_sgemm(RowMajor, Trans, NoTrans, u1 - u0, in, B, 1.0f, dX[l + 1] + u0, out, X[l], in, 0.0f, dW[l] + u0 * in, in);
            sgd(l, (size_t)u0 * in, (size_t)u1 * in, 0); // W rows are needed for dX below: use old W? (fine for timing)
            if (l > 0) {
                cblas_sgemm(RowMajor, NoTrans, NoTrans, B, in, u1 - u0, 1.0f, dX[l + 1] + u0, out, W[l] + u0 * in, in, 0.0f, part[t][l], in);
                barrier();
                int c0 = t * in / T, c1 = (t + 1) * in / T;
                for (int r = 0; r < B; r++)
                    for (int c = c0; c < c1; c++) {
                        float s = X[l][r * in + c];
                        dX[l][r * in + c] = (part[0][l][r * in + c] + part[1][l][r * in + c]) * s * (1 - s);
                    }
                barrier();
            }
        }
    } else if (variant == 4) { // data parallel with separate passes (copy values, zero, accumulate, add, update)
        int r0 = t * B / T, r1 = (t + 1) * B / T;
        float **Xs = t == 0 ? X : part[0], **dXs = t == 0 ? dX : part[1];
        float **G = t == 0 ? dW : dW2;
        float **Wt = t == 0 ? W : W2;
        copy_and_zero(t, 0);
        barrier();
        for (int l = 0; l < L; l++) {
            int in = width[l], out = width[l + 1];
            float *x = Xs[l], *y = Xs[l + 1];
            for (int r = r0; r < r1; r++) memcpy(y + r * out, bias[l], out * 4);
            cblas_sgemm(RowMajor, NoTrans, Trans, r1 - r0, out, in, 1.0f, x + r0 * in, in, Wt[l], in, 1.0f, y + r0 * out, out);
            if (l < L - 1) for (int r = r0; r < r1; r++) for (int u = 0; u < out; u++) y[r * out + u] = sigm(y[r * out + u]);
        }
        lossgrad(r0, r1, Xs, dXs);
        for (int l = L - 1; l >= 0; l--) {
            int in = width[l], out = width[l + 1];
            cblas_sgemm(RowMajor, Trans, NoTrans, out, in, r1 - r0, 1.0f, dXs[l + 1] + r0 * out, out, Xs[l] + r0 * in, in, 1.0f, G[l], in);
            if (l > 0) {
                cblas_sgemm(RowMajor, NoTrans, NoTrans, r1 - r0, in, out, 1.0f, dXs[l + 1] + r0 * out, out, Wt[l], in, 0.0f, dXs[l] + r0 * in, in);
                actgrad(l, r0, r1, 0, in, Xs, dXs);
            }
        }
        barrier();
        add_copy(t, 0);
        barrier();
        update_units(t);
        barrier();
    } else if (variant == 5) { // hybrid: layer 0 split by units (model parallel), layers 1.. data parallel as variant 4
        int r0 = t * B / T, r1 = (t + 1) * B / T;
        float **Xs = t == 0 ? X : part[0], **dXs = t == 0 ? dX : part[1];
        float **G = t == 0 ? dW : dW2;
        float **Wt = t == 0 ? W : W2;
        copy_and_zero(t, 1); // layer 0 is not copied
        barrier();
        { // layer 0 by units: all rows, units [u0,u1), into the shared X1
            int in = width[0], out = width[1], u0 = t * out / T, u1 = (t + 1) * out / T;
            for (int r = 0; r < B; r++) memcpy(X1s + r * out + u0, bias[0] + u0, (u1 - u0) * 4);
            cblas_sgemm(RowMajor, NoTrans, Trans, B, u1 - u0, in, 1.0f, X[0], in, W[0] + u0 * in, in, 1.0f, X1s + u0, out);
            for (int r = 0; r < B; r++) for (int u = u0; u < u1; u++) X1s[r * out + u] = sigm(X1s[r * out + u]);
        }
        barrier();
        for (int l = 1; l < L; l++) {
            int in = width[l], out = width[l + 1];
            float *x = l == 1 ? X1s : Xs[l], *y = Xs[l + 1];
            for (int r = r0; r < r1; r++) memcpy(y + r * out, bias[l], out * 4);
            cblas_sgemm(RowMajor, NoTrans, Trans, r1 - r0, out, in, 1.0f, x + r0 * in, in, Wt[l], in, 1.0f, y + r0 * out, out);
            if (l < L - 1) for (int r = r0; r < r1; r++) for (int u = 0; u < out; u++) y[r * out + u] = sigm(y[r * out + u]);
        }
        lossgrad(r0, r1, Xs, dXs);
        for (int l = L - 1; l >= 1; l--) {
            int in = width[l], out = width[l + 1];
            float *x = l == 1 ? X1s : Xs[l], *dx = l == 1 ? dX1s : dXs[l];
            cblas_sgemm(RowMajor, Trans, NoTrans, out, in, r1 - r0, 1.0f, dXs[l + 1] + r0 * out, out, x + r0 * in, in, 1.0f, G[l], in);
            cblas_sgemm(RowMajor, NoTrans, NoTrans, r1 - r0, in, out, 1.0f, dXs[l + 1] + r0 * out, out, Wt[l], in, 0.0f, dx + r0 * in, in);
            for (int r = r0; r < r1; r++) for (int c = 0; c < in; c++) { float s = x[r * in + c]; dx[r * in + c] *= s * (1 - s); }
        }
        barrier();
        { // layer 0's weight gradient by units, all rows: no sum
            int in = width[0], out = width[1], u0 = t * out / T, u1 = (t + 1) * out / T;
            cblas_sgemm(RowMajor, Trans, NoTrans, u1 - u0, in, B, 1.0f, dX1s + u0, out, X[0], in, 0.0f, dW[0] + u0 * in, in);
        }
        add_copy(t, 1); // layer 0's gradient has no second copy
        barrier();
        update_units(t);
        barrier();
    } else if (variant == 6 || variant == 7) { // rows for the forward and the input gradients; each weight gradient whole
        int r0 = t * B / T, r1 = (t + 1) * B / T;
        for (int l = 0; l < L; l++) {
            if (variant == 6) {
                fwd(l, r0, r1, 0, width[l + 1], X);
                continue;
            }
            int in = width[l], out = width[l + 1]; // variant 7: x * WT, OpenBLAS's fast form
            float *x = X[l], *y = X[l + 1];
            for (int r = r0; r < r1; r++) memcpy(y + r * out, bias[l], out * 4);
            cblas_sgemm(RowMajor, NoTrans, NoTrans, r1 - r0, out, in, 1.0f, x + r0 * in, in, WT[l], out, 1.0f, y + r0 * out, out);
            if (l < L - 1)
                for (int r = r0; r < r1; r++)
                    for (int u = 0; u < out; u++) y[r * out + u] = sigm(y[r * out + u]);
        }
        lossgrad(r0, r1, X, dX);
        for (int l = L - 1; l >= 1; l--) {
            int in = width[l], out = width[l + 1];
            cblas_sgemm(RowMajor, NoTrans, NoTrans, r1 - r0, in, out, 1.0f, dX[l + 1] + r0 * out, out, W[l], in, 0.0f, dX[l] + r0 * in, in);
            actgrad(l, r0, r1, 0, in, X, dX);
        }
        barrier();
        for (int l = 0; l < L; l++) { // thread 0 the first layer (half of the parameters), thread 1 the others
            if (T > 1 && (l == 0) != (t == 0)) continue;
            int in = width[l], out = width[l + 1];
            cblas_sgemm(RowMajor, Trans, NoTrans, out, in, B, 1.0f, dX[l + 1], out, X[l], in, 0.0f, dW[l], in);
            sgd(l, 0, (size_t)in * out, 0);
            if (variant == 7 && transposeEach) // the layer's owner transposes it, once, for both threads' forward products
                for (int i = 0; i < in; i++)
                    for (int u = 0; u < out; u++) WT[l][i * out + u] = W[l][u * in + i];
        }
        barrier();
    } else { // data parallel: each thread its half of the batch; gradients added in the optimizer
        int r0 = t * B / T, r1 = (t + 1) * B / T;
        float **Xs = t == 0 ? X : part[0], **dXs = t == 0 ? dX : part[1];
        float **G = t == 0 ? dW : dW2;
        for (int l = 0; l < L; l++) fwd(l, r0, r1, 0, width[l + 1], Xs);
        lossgrad(r0, r1, Xs, dXs);
        for (int l = L - 1; l >= 0; l--) {
            int in = width[l], out = width[l + 1];
            cblas_sgemm(RowMajor, Trans, NoTrans, out, in, r1 - r0, 1.0f, dXs[l + 1] + r0 * out, out, Xs[l] + r0 * in, in, 0.0f, G[l], in);
            if (l > 0) {
                cblas_sgemm(RowMajor, NoTrans, NoTrans, r1 - r0, in, out, 1.0f, dXs[l + 1] + r0 * out, out, W[l], in, 0.0f, dXs[l] + r0 * in, in);
                actgrad(l, r0, r1, 0, in, Xs, dXs);
            }
        }
        barrier();
        for (int l = 0; l < L; l++) {
            int in = width[l], out = width[l + 1], u0 = t * out / T, u1 = (t + 1) * out / T;
            sgd(l, (size_t)u0 * in, (size_t)u1 * in, 1);
        }
        barrier();
    }
}

static int steps;
static void *run(void *arg) {
    int t = (int)(long)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(t, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    for (int s = 0; s < steps; s++) step(t);
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    variant = atoi(argv[1]);
    B = argc > 2 ? atoi(argv[2]) : 64;
    steps = argc > 3 ? atoi(argv[3]) : 2000;
    nthreads = variant == 0 || getenv("ONE_THREAD") ? 1 : 2;
    X1s = alloc((size_t)B * 128); dX1s = alloc((size_t)B * 128);
    copyBatch = argc > 4 ? atoi(argv[4]) : 0;
    if (getenv("NO_TRANSPOSE")) transposeEach = 0;
    if (copyBatch) { data = malloc((size_t)60000 * 784 * 4); for (size_t i = 0; i < (size_t)60000 * 784; i++) data[i] = (i % 255) / 255.0f; }
    for (int l = 0; l < L; l++) {
        W[l] = alloc((size_t)width[l] * width[l + 1]);
        dW[l] = alloc((size_t)width[l] * width[l + 1]);
        dW2[l] = alloc((size_t)width[l] * width[l + 1]);
        W2[l] = alloc((size_t)width[l] * width[l + 1]);
        bias[l] = alloc(width[l + 1]);
        WT[l] = alloc((size_t)width[l] * width[l + 1]);
    }
    for (int l = 0; l <= L; l++) {
        X[l] = alloc((size_t)B * width[l]);
        dX[l] = alloc((size_t)B * width[l]);
        part[0][l] = alloc((size_t)B * width[l]);
        part[1][l] = alloc((size_t)B * width[l]);
    }
    memcpy(part[0][0], X[0], (size_t)B * 784 * 4);
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        pthread_t th[2];
        for (int t = 1; t < nthreads; t++) pthread_create(&th[t], NULL, run, (void *)(long)t);
        run((void *)0L);
        for (int t = 1; t < nthreads; t++) pthread_join(th[t], NULL);
        double dt = now() - t0;
        printf("variant %d batch %d: %.1f us/step, %.0f samples/s\n", variant, B, dt / steps * 1e6, steps * B / dt);
    }
    return 0;
}
