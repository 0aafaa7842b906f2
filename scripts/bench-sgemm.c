/* The sgemm throughput the README's extraction cap is computed from: cblas_sgemm on the shapes of
 * MiniLM's and bert-base's linear layers (rows = tokens of a 1,024- or 2,048-token batch, weights
 * transposed as in a linear layer), fastest of 20 calls each.
 *
 *   gcc -O2 scripts/bench-sgemm.c -o /tmp/bench-sgemm -lopenblas
 *   source scripts/blas-env; OPENBLAS_NUM_THREADS=1 /tmp/bench-sgemm   # one core (the workers' setting)
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    /* {tokens, outputs, inputs} */
    const int shapes[][3] = {{2048, 1152, 384}, {2048, 384, 384}, {2048, 1536, 384}, {2048, 384, 1536},
                             {1024, 2304, 768}, {1024, 768, 768}, {1024, 3072, 768}, {1024, 768, 3072}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
        for (long i = 0; i < (long)m * k; i++) a[i] = (float)rand() / RAND_MAX;
        for (long i = 0; i < (long)n * k; i++) b[i] = (float)rand() / RAND_MAX;
        double best = 1e30;
        for (int r = 0; r < 21; r++) {
            const double start = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, c, n);
            const double seconds = now() - start;
            if (r > 0 && seconds < best) best = seconds;
        }
        printf("tokens %5d  out %5d  in %5d   %6.1f GFLOP/s\n", m, n, k, 2.0 * m * n * k / best / 1e9);
        free(a); free(b); free(c);
    }
    return 0;
}
