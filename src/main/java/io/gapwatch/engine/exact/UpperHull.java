package io.gapwatch.engine.exact;

import java.util.Arrays;

/**
 * The upper convex hull of points (x, y) arriving with increasing x, kept so that
 * <pre>
 *   max_t (y_t − c·x_t)
 * </pre>
 * can be answered for any slope c, at any time, without the points: the maximum of a linear
 * function over a point set is attained at a vertex of its convex hull, and for the upper part of
 * it the vertex is the one where the hull's edge slopes fall past c.
 *
 * <h2>Design</h2>
 * Andrew's monotone chain: a new point pops the last vertex while that vertex lies on or below the
 * segment from the one before it to the new point, then becomes the last vertex. Every point is
 * pushed once and popped at most once, so a push is O(1) amortized; a query is a binary search
 * over the edges, O(log h). The newest point is always a vertex.
 *
 * <h2>Bounded size</h2>
 * A hull of noisy data is small — the convex hull of an n-step random walk has 2·Σ_{k≤n} 1/k ≈ 2 ln n
 * edges on average (Baxter 1961), its upper part about half: 8 vertices at n = 1,000 and 14 at
 * 100,000 in simulation — but a smooth path (residuals that fall steadily, as a saturating trend
 * gives) can put every point on it. So the hull holds at most
 * {@link #capacity} vertices. A push into a full hull first removes the interior vertex whose
 * removal moves the chain least, and remembers by how much: each edge carries a bound ε on how far
 * the true hull may lie above it, and a removed vertex v between u and w gives the new edge
 * <pre>
 *   ε_uw = h_v + max(ε_uv, ε_vw),      h_v = height of v above the chord uw,
 * </pre>
 * since the old chain lies at most h_v above the chord and the true hull at most max(ε) above the
 * old chain. An edge made by popping takes the largest ε of the edges it replaces (the popped
 * chain lies below it). A query over the kept vertices is then a real point's value, at most
 * {@link #error()} below the true maximum:
 * <pre>
 *   max_kept (y − c·x)  ≤  max_all (y − c·x)  ≤  max_kept (y − c·x) + max ε
 * </pre>
 * so a test that rejects when the maximum exceeds a bound never rejects wrongly on a thinned hull;
 * it can only reject late, when the true excess over the bound is below {@link #error()}. While
 * the hull never filled up, ε = 0 and every answer is exact.
 *
 * <p>Arrays grow by doubling up to the capacity: a push allocates only when the hull first
 * outgrows its array, at most log₂(capacity / 8) times. Not thread-safe.
 */
final class UpperHull {

    private static final int INITIAL = 8;

    private final int capacity;
    private double[] xs = new double[INITIAL];
    private double[] ys = new double[INITIAL];
    /** errors[i]: bound on how far the true hull lies above the edge ending at vertex i (errors[0] = 0). */
    private double[] errors = new double[INITIAL];
    private int size;

    /** @param capacity the most vertices kept, at least 3 */
    UpperHull(int capacity) {
        if (capacity < 3) {
            throw new IllegalArgumentException("a hull needs room for at least 3 vertices, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds a point; x must exceed every x pushed before. */
    void push(double x, double y) {
        double error = 0.0;
        // pop b while it lies on or below the segment a → (x, y): (y_b − y_a)(x − x_a) ≤ (y − y_a)(x_b − x_a)
        while (size >= 2) {
            final int b = size - 1;
            final int a = size - 2;
            if ((ys[b] - ys[a]) * (x - xs[a]) > (y - ys[a]) * (xs[b] - xs[a])) {
                break;
            }
            error = Math.max(error, errors[b]);
            size--;
        }
        if (size == capacity) {
            thin();
        }
        if (size == xs.length) {
            final int grown = Math.min(capacity, 2 * xs.length);
            xs = Arrays.copyOf(xs, grown);
            ys = Arrays.copyOf(ys, grown);
            errors = Arrays.copyOf(errors, grown);
        }
        xs[size] = x;
        ys[size] = y;
        errors[size] = size == 0 ? 0.0 : error;
        size++;
    }

    // Removes the interior vertex v minimizing h_v + max(ε_uv, ε_vw); the merged edge carries that sum.
    private void thin() {
        int best = -1;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int v = 1; v < size - 1; v++) {
            final int u = v - 1;
            final int w = v + 1;
            // h_v = y_v − (y_u + (y_w − y_u)(x_v − x_u)/(x_w − x_u)) ≥ 0 on a concave chain
            final double chord = ys[u] + (ys[w] - ys[u]) * ((xs[v] - xs[u]) / (xs[w] - xs[u]));
            final double cost = Math.max(0.0, ys[v] - chord) + Math.max(errors[v], errors[w]);
            if (cost < bestCost) {
                bestCost = cost;
                best = v;
            }
        }
        System.arraycopy(xs, best + 1, xs, best, size - best - 1);
        System.arraycopy(ys, best + 1, ys, best, size - best - 1);
        System.arraycopy(errors, best + 1, errors, best, size - best - 1);
        size--;
        errors[best] = bestCost; // the edge now ending at the former w
    }

    /**
     * The vertex maximizing y − c·x; the first of equals. O(log h).
     *
     * @return its index, or −1 when the hull is empty
     */
    int argmax(double slope) {
        if (size == 0) {
            return -1;
        }
        // g_i = y_i − c x_i rises while the edge slope exceeds c: find the first edge i → i+1 along which it does not
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if ((ys[mid + 1] - ys[mid]) - slope * (xs[mid + 1] - xs[mid]) > 0.0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** max y − c·x over the kept vertices; −∞ when empty. */
    double max(double slope) {
        final int i = argmax(slope);
        return i < 0 ? Double.NEGATIVE_INFINITY : ys[i] - slope * xs[i];
    }

    double x(int i) {
        return xs[i];
    }

    double y(int i) {
        return ys[i];
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** The largest ε over the edges: how far below the true maximum a query can be; 0 unless the hull was thinned. */
    double error() {
        double e = 0.0;
        for (int i = 0; i < size; i++) {
            e = Math.max(e, errors[i]);
        }
        return e;
    }

    /**
     * Bytes on the heap: three arrays and the object, the arrays counted at their capacity, the
     * most they grow to, so that the figure a cache weighed a model by stays an upper bound.
     */
    long heapBytes() {
        return 32 + 3 * (16L + 8L * Math.max(capacity, INITIAL));
    }

    // ---------------------------------------------------------------- state, for the codec

    double error(int i) {
        return errors[i];
    }

    /** Replaces the content with {@code n} vertices (x ascending, a concave chain, as written by a hull). */
    void restore(int n, double[] x, double[] y, double[] e) {
        if (n < 0 || n > capacity) {
            throw new IllegalArgumentException("a hull of capacity " + capacity + " cannot hold " + n + " vertices");
        }
        int length = INITIAL;
        while (length < n) {
            length = Math.min(capacity, 2 * length);
        }
        xs = Arrays.copyOf(x, length);
        ys = Arrays.copyOf(y, length);
        errors = Arrays.copyOf(e, length);
        size = n;
    }
}
