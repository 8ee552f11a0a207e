package io.gapwatch.engine.exact;

import java.util.Locale;

/**
 * Whether the relationship the exact fit estimates stayed the same over the stream: the CUSUM and
 * the CUSUM-of-squares tests of Brown, Durbin &amp; Evans on the fit's recursive residuals, with the
 * 5% bounds exactly as statsmodels' {@code RecursiveLS} computes them, in bounded memory for a
 * stream of any length.
 *
 * <h2>Recursive residuals</h2>
 * Each record rotated into a factor that already had full rank leaves its standardized recursive
 * residual at no cost ({@link StreamingLeastSquares#recursiveResidual()}):
 * <pre>
 *   w_t = (y_t − x_tᵀθ*_(t−1)) / √(1 + x_tᵀ(X_(t−1)ᵀX_(t−1))⁻¹x_t)
 * </pre>
 * Under a constant relationship with independent N(0, σ²) errors the w_t are independent N(0, σ²);
 * a change in the weights shows as a drift in their sum, a change in the noise as a drift in the
 * sum of their squares. statsmodels' {@code resid_recursive} is the same number.
 *
 * <h2>Which records: d, m, τ</h2>
 * statsmodels leaves out the first d = max(nobs_diffuse, loglikelihood_burn) records, those its
 * exact diffuse Kalman filter spends before every coefficient is determined; for a design whose
 * first k rows (k coefficients) are linearly independent, d = k. Here d is the number of records
 * before the first recursive residual: the records the factor took until it certified full rank
 * (the scaled-pivot screen that also certifies back-substitution, {@link MinimumNormSolver}). The
 * two agree whenever the first rows are independent and not numerically near-dependent (scaled
 * pivots above √ε); on a design that is near-singular at the start the screen waits longer, and on
 * one that stays near-singular (raw NIST Longley, where statsmodels' filter itself never leaves
 * its diffuse phase) neither produces a test. Records t = d+1 … n give m = n − d residuals;
 * τ_t = t − d counts them.
 *
 * <h2>CUSUM</h2>
 * statsmodels' {@code cusum} and {@code _cusum_significance_bounds(alpha=0.05, ddof=0)}:
 * <pre>
 *   W_t = S_t / σ̂,   S_t = Σ_{j=d+1}^{t} w_j,   σ̂² = Σ_j (w_j − w̄)² / (m − 1)      (np.std(ddof=1), all m)
 *   bound_t = a√m + 2aτ_t/√m,   a = 0.948 at 5%                  (lines through (d, ±a√m) and (n, ±3a√m))
 *   reject  ⇔  ∃t: |W_t| > bound_t  ⇔  max_t (|S_t| − c·τ_t) > c′,   c = 2aσ̂/√m,  c′ = aσ̂√m
 * </pre>
 * The bound is evaluated at the record count t, as statsmodels' bounds function takes it (its
 * endpoints are d and nobs, and 3a√m at t = n is Brown, Durbin &amp; Evans' line); statsmodels'
 * {@code plot_cusum} draws W against 0-based positions, one record to the left of these lines.
 *
 * <h2>CUSUM of squares</h2>
 * statsmodels' {@code cusum_squares} and {@code _cusum_squares_significance_bounds(alpha=0.05)}:
 * <pre>
 *   s_t = Q_t / Q_n,   Q_t = Σ_{j=d+1}^{t} w_j²,      mean line τ_t/m
 *   reject  ⇔  ∃t: |s_t − τ_t/m| > c₀  ⇔  max_t |Q_t − τ_t·Q_n/m| > c₀·Q_n
 *   c₀ = b₁/√h + b₂/h + b₃/h^1.5,   h = m/2 − 1,   (b₁, b₂, b₃) = (1.3581015, −0.6701218, −0.8858694)
 * </pre>
 * (Edgerton &amp; Wells' approximation at α/2 = 0.025). Its last value s_n is 1 by construction, so
 * the statistic reported is the largest distance from the mean line, max_t |s_t − τ_t/m|.
 *
 * <h2>Bounded memory: the decision needs only four hulls</h2>
 * σ̂, Q_n and the bounds depend on the final n, so the path cannot be judged as it goes; but for
 * any slope c the maximum of S_t − c·τ_t over all t is attained at a vertex of the upper convex
 * hull of the points (τ_t, S_t) ({@link UpperHull}). Four hulls — of (τ, S), (τ, −S), (τ, Q),
 * (τ, −Q) — plus the running sums answer both tests at any n, and:
 * <ul>
 *   <li>the <b>first rejection</b>: after every record the test over records 1 … n is judged, and the
 *       first n at which it rejects is kept (sequential monitoring with the fixed-sample bounds);</li>
 *   <li>the <b>break location</b>: the record where the path lies farthest from the straight line
 *       from its start to its end, max_t |S_t − τ_t·S_n/m| (for the CUSUM of squares
 *       max_t |Q_t − τ_t·Q_n/m|), a hull vertex too. A persistent change makes the recursive
 *       residuals drift from that record on, so the path bends there: on the Nile flows this is
 *       record 28 (1898), the known break. The largest excursion beyond the bound is no estimate of
 *       it: the path leaves the bound faster than the bound widens, so that excursion sits at the
 *       last record.</li>
 * </ul>
 * State: O(1) numbers and four hulls of at most {@link #HULL_CAPACITY} vertices each (three
 * doubles a vertex): at most 13 KB, typically 1 to 2 KB (an upper hull of noisy data has about
 * ln n vertices, 14 at n = 100,000). Past that capacity a hull is thinned with a recorded error
 * bound; a thinned test can reject late, never wrongly ({@link UpperHull}, {@link #hullError()}).
 *
 * <h2>When the test is off</h2>
 * <ul>
 *   <li>Forgetting (λ &lt; 1): the records are weighted λ^age and the recursive residuals are those
 *       of the weighted recursion; they are not independent N(0, σ²) under a constant relationship,
 *       and the bounds, derived for equal weights, do not apply.</li>
 *   <li>Ridge (α &gt; 0): the fit is not least squares; the factor's residuals are not its prediction
 *       errors, and the bounds assume least squares.</li>
 *   <li>Rank lost: once the test has started, a record without a recursive residual (the scaled
 *       pivot screen no longer certifies full rank, after an extreme record along a direction the
 *       data nearly spans) leaves the test undefined from there on; it is switched off.</li>
 * </ul>
 * The tests are judged (rejects, first rejection, the finding) only from {@link #MIN_RESIDUALS}
 * residuals on; the statistics and bounds are reported from 2 and 3 residuals, as statsmodels
 * computes them.
 *
 * <h2>Monitoring and size</h2>
 * The 5% is the size of the test over all records at one n. Judging it after every record is a
 * repeated significance test: the chance that a constant relationship ever gets a first rejection
 * is larger than 5% and grows, slowly, with the length of the stream. The first-rejection record
 * says when the monitor would have fired; whether the data so far reject is the fixed-n test.
 *
 * <p>References: R. L. Brown, J. Durbin &amp; J. M. Evans (1975), "Techniques for testing the
 * constancy of regression relationships over time", JRSS B 37(2), 149–192. D. Edgerton &amp;
 * C. Wells (1994), "Critical values for the CUSUMSQ statistic in medium and large sized samples",
 * Oxford Bulletin of Economics and Statistics 56(3), 355–365. statsmodels 0.13.5,
 * {@code statsmodels/regression/recursive_ls.py}: {@code RecursiveLSResults.cusum},
 * {@code cusum_squares}, {@code _cusum_significance_bounds}, {@code _cusum_squares_significance_bounds}.
 *
 * <p>Per record O(1) amortized plus, until both tests have rejected once, four O(log h) hull
 * queries; no allocation except when a hull first outgrows its array. Not thread-safe.
 */
public final class StructuralBreaks {

    /** Significance level of both tests. */
    public static final double ALPHA = 0.05;
    /** a of the CUSUM bounds at 5% (Brown, Durbin &amp; Evans; statsmodels' 0.948). */
    public static final double CUSUM_A = 0.948;
    /** Edgerton &amp; Wells' coefficients at α/2 = 0.025: statsmodels' {@code _cusum_squares_scalars[:, 2]}. */
    static final double SQUARES_B1 = 1.3581015;
    static final double SQUARES_B2 = -0.6701218;
    static final double SQUARES_B3 = -0.8858694;
    /**
     * Residuals before either test is judged. statsmodels' CUSUM-of-squares critical value rises
     * with m up to m = 10 and falls after it, as a critical value should; below, it is outside the
     * range the approximation describes (it is negative for m ≤ 4: every sample would reject). Past
     * it the approximation is still liberal: simulated on independent normal residuals (20,000
     * samples each) the CUSUM of squares rejects 12.8% of them at m = 10, 7.2% at 20, 6.4% at 30,
     * 5.8 to 6.2% at 40 to 50, and the CUSUM 3.5 to 3.8% throughout. From 30 on, a constant
     * relationship is called broken at most about 1.5 points more often than 5%.
     */
    public static final int MIN_RESIDUALS = 30;
    /** The most vertices each of the four hulls keeps. */
    public static final int HULL_CAPACITY = 128;

    /** Whether the test runs, and over which records. */
    public enum Status {
        /** Judged over every record after the first d, as statsmodels' RecursiveLS. */
        ON,
        /** Judged over the records after a restore from a state written before the test existed. */
        ON_SINCE_RESTORE,
        /** Fewer than {@link #MIN_RESIDUALS} recursive residuals so far (none until the fit has full rank). */
        WARMING_UP,
        /** Off: the fit forgets (λ &lt; 1). */
        OFF_FORGETTING,
        /** Off: the fit is ridge-penalized. */
        OFF_RIDGE,
        /** Off: the fit lost certified full rank after the test had started. */
        OFF_RANK_LOST;

        /** As reports print it: {@code on_since_restore}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the tests are judged. */
        public boolean judged() {
            return this == ON || this == ON_SINCE_RESTORE;
        }
    }

    /** Why the options rule the test out, or null. */
    private final Status off;
    private boolean sinceRestore;
    private boolean rankLost;
    /** d: records before the first residual (or before the restore that started this test). */
    private long burnIn;
    /** m: recursive residuals taken. */
    private long residuals;
    private double sum;
    private double sumSquares;
    /** Welford's running mean and Σ(w − w̄)², for σ̂ without cancellation. */
    private double mean;
    private double m2;
    private long cusumFirstReject;
    private long squaresFirstReject;

    /** (τ, S), (τ, −S), (τ, Q), (τ, −Q). */
    private final UpperHull sumUpper = new UpperHull(HULL_CAPACITY);
    private final UpperHull sumLower = new UpperHull(HULL_CAPACITY);
    private final UpperHull squaresUpper = new UpperHull(HULL_CAPACITY);
    private final UpperHull squaresLower = new UpperHull(HULL_CAPACITY);

    /** A test for a fit with these options, before its first record. */
    public StructuralBreaks(LeastSquaresOptions options) {
        this.off = options.forgetting() != 1.0 ? Status.OFF_FORGETTING : options.ridge() > 0.0 ? Status.OFF_RIDGE : null;
    }

    /**
     * A test that starts after {@code records} records it did not see: the state of a model written
     * before the test existed. It runs over the records that follow, as a test over a later stretch
     * of the stream (its recursive residuals are still those of the fit over everything).
     *
     * @param partial whether the records missed included recursive residuals (the fit had full rank
     *                before its last record); if not, nothing was missed and the test is the full one
     */
    public static StructuralBreaks startedAfter(LeastSquaresOptions options, long records, boolean partial) {
        final StructuralBreaks test = new StructuralBreaks(options);
        test.burnIn = records;
        test.sinceRestore = partial && records > 0;
        return test;
    }

    /**
     * Takes the recursive residual of the record the exact fit just learned. Call once per record
     * the fit learns, in order.
     *
     * @param w {@link StreamingLeastSquares#recursiveResidual()}: NaN while the fit had no full rank
     */
    public void add(double w) {
        if (off != null || rankLost) {
            return;
        }
        if (Double.isNaN(w)) {
            if (residuals == 0) {
                burnIn++;
            } else {
                rankLost = true;
            }
            return;
        }
        residuals++;
        final double tau = residuals;
        sum += w;
        sumSquares += w * w;
        final double delta = w - mean;
        mean += delta / residuals;
        m2 += delta * (w - mean);
        sumUpper.push(tau, sum);
        sumLower.push(tau, -sum);
        squaresUpper.push(tau, sumSquares);
        squaresLower.push(tau, -sumSquares);
        if (residuals >= MIN_RESIDUALS) {
            if (cusumFirstReject == 0 && cusumExceeds()) {
                cusumFirstReject = burnIn + residuals;
            }
            if (squaresFirstReject == 0 && cusumSquaresExceeds()) {
                squaresFirstReject = burnIn + residuals;
            }
        }
    }

    // ---------------------------------------------------------------- the tests on the records so far

    public Status status() {
        if (off != null) {
            return off;
        }
        if (rankLost) {
            return Status.OFF_RANK_LOST;
        }
        if (residuals < MIN_RESIDUALS) {
            return Status.WARMING_UP;
        }
        return sinceRestore ? Status.ON_SINCE_RESTORE : Status.ON;
    }

    /** d: records before the first recursive residual (for a test started after a restore, before the restore too). */
    public long burnIn() {
        return burnIn;
    }

    /** m: recursive residuals the tests run on. */
    public long residuals() {
        return residuals;
    }

    private boolean computable() {
        return off == null && !rankLost;
    }

    /** σ̂ = np.std(w, ddof=1) over the m residuals; NaN below 2. */
    public double sigma() {
        return computable() && residuals >= 2 ? Math.sqrt(m2 / (residuals - 1)) : Double.NaN;
    }

    /** W_n = S_n/σ̂, the CUSUM's last value: statsmodels' {@code cusum[-1]}. NaN below 2 residuals or when off. */
    public double cusum() {
        final double sigma = sigma();
        return Double.isNaN(sigma) ? Double.NaN : sum / sigma;
    }

    /** The CUSUM's 5% bound at record n, 3a√m: statsmodels' upper line at nobs (the lower is its negative). */
    public double cusumBound() {
        return cusumBoundAt(burnIn + residuals);
    }

    /**
     * The CUSUM's 5% bound at record t, judged with the records so far: a√m + 2a(t − d)/√m.
     * NaN below 2 residuals or when off.
     */
    public double cusumBoundAt(long record) {
        if (!computable() || residuals < 2) {
            return Double.NaN;
        }
        final double root = Math.sqrt(residuals);
        return CUSUM_A * root + 2 * CUSUM_A * (record - burnIn) / root;
    }

    /**
     * Whether the CUSUM path over the records so far leaves its 5% bounds somewhere: statsmodels'
     * comparison, at any m ≥ 2 (not gated by {@link #MIN_RESIDUALS}; see {@link #cusumRejects()}).
     * <pre>
     *   max_t (|S_t| − c·τ_t) > c′,   c = 2aσ̂/√m,   c′ = aσ̂√m
     * </pre>
     */
    public boolean cusumExceeds() {
        final double sigma = sigma();
        if (Double.isNaN(sigma)) {
            return false;
        }
        final double root = Math.sqrt(residuals);
        final double slope = 2 * CUSUM_A * sigma / root;
        return Math.max(sumUpper.max(slope), sumLower.max(slope)) > CUSUM_A * sigma * root;
    }

    /**
     * The largest excursion of |W_t| beyond its bound, max_t (|W_t| − bound_t): positive when the path
     * leaves the bounds. NaN below 2 residuals or when off.
     */
    public double cusumExcess() {
        final double sigma = sigma();
        if (Double.isNaN(sigma)) {
            return Double.NaN;
        }
        final double root = Math.sqrt(residuals);
        final double slope = 2 * CUSUM_A * sigma / root;
        return (Math.max(sumUpper.max(slope), sumLower.max(slope)) - CUSUM_A * sigma * root) / sigma;
    }

    /**
     * The record of that largest excursion: the hull vertex maximizing |S_t| − c·τ_t. Under a lasting
     * change it is the last record or near it (the path leaves the bound faster than the bound
     * widens), so it says how far the path is out, not where the change was: see
     * {@link #cusumBreakRecord()}. 0 below 2 residuals or when off.
     */
    public long cusumExcessRecord() {
        final double sigma = sigma();
        if (Double.isNaN(sigma)) {
            return 0;
        }
        final double slope = 2 * CUSUM_A * sigma / Math.sqrt(residuals);
        final int above = sumUpper.argmax(slope);
        final int below = sumLower.argmax(slope);
        final double up = sumUpper.y(above) - slope * sumUpper.x(above);
        final double down = sumLower.y(below) - slope * sumLower.x(below);
        return burnIn + (long) (up >= down ? sumUpper.x(above) : sumLower.x(below));
    }

    /** The CUSUM test rejects a constant relationship at 5% on the records so far (and is judged: {@link Status#judged()}). */
    public boolean cusumRejects() {
        return status().judged() && cusumExceeds();
    }

    /** The first record n at which the CUSUM test over records 1 … n rejected; 0 if none has. */
    public long cusumFirstReject() {
        return cusumFirstReject;
    }

    /**
     * Where the CUSUM path bends most: the record t maximizing |S_t − τ_t·S_n/m|, the estimate of where
     * the relationship changed. 0 without residuals or when off.
     */
    public long cusumBreakRecord() {
        if (!computable() || residuals == 0) {
            return 0;
        }
        return bridgeRecord(sumUpper, sumLower, sum / residuals);
    }

    /**
     * The CUSUM of squares' largest distance from its mean line, max_t |Q_t/Q_n − τ_t/m|: what the
     * test compares with {@link #cusumSquaresBound()}. NaN below 3 residuals, when every residual is
     * 0, or when off.
     */
    public double cusumSquaresDeviation() {
        if (!computable() || residuals < 3 || !(sumSquares > 0.0)) {
            return Double.NaN;
        }
        final double slope = sumSquares / residuals;
        return Math.max(squaresUpper.max(slope), squaresLower.max(-slope)) / sumSquares;
    }

    /** c₀, the half-width of the CUSUM of squares' 5% band around its mean line: statsmodels' crit. NaN below 3 residuals. */
    public double cusumSquaresBound() {
        return computable() && residuals >= 3 ? squaresCritical(residuals) : Double.NaN;
    }

    /** c₀(m) = b₁/√h + b₂/h + b₃/h^1.5, h = m/2 − 1. */
    static double squaresCritical(long m) {
        final double h = 0.5 * m - 1;
        return SQUARES_B1 / Math.sqrt(h) + SQUARES_B2 / h + SQUARES_B3 / (h * Math.sqrt(h));
    }

    /**
     * Whether the CUSUM of squares leaves its 5% band somewhere: statsmodels' comparison at any m ≥ 3
     * (not gated by {@link #MIN_RESIDUALS}).
     * <pre>
     *   max_t |Q_t − τ_t·Q_n/m| > c₀·Q_n
     * </pre>
     */
    public boolean cusumSquaresExceeds() {
        if (!computable() || residuals < 3 || !(sumSquares > 0.0)) {
            return false;
        }
        final double slope = sumSquares / residuals;
        return Math.max(squaresUpper.max(slope), squaresLower.max(-slope)) > squaresCritical(residuals) * sumSquares;
    }

    /** The CUSUM-of-squares test rejects at 5% on the records so far (and is judged). */
    public boolean cusumSquaresRejects() {
        return status().judged() && cusumSquaresExceeds();
    }

    /** The first record n at which the CUSUM-of-squares test over records 1 … n rejected; 0 if none has. */
    public long cusumSquaresFirstReject() {
        return squaresFirstReject;
    }

    /** The record t maximizing |Q_t − τ_t·Q_n/m|: where the size of the residuals changed most. 0 without residuals or when off. */
    public long cusumSquaresBreakRecord() {
        if (!computable() || residuals == 0) {
            return 0;
        }
        return bridgeRecord(squaresUpper, squaresLower, sumSquares / residuals);
    }

    // argmax_t |P_t − τ_t·b| over the hulls of (τ, P) and (τ, −P): max(P − bτ) and max(−P + bτ)
    private long bridgeRecord(UpperHull upper, UpperHull lower, double slope) {
        final int above = upper.argmax(slope);
        final int below = lower.argmax(-slope);
        final double up = upper.y(above) - slope * upper.x(above);
        final double down = lower.y(below) + slope * lower.x(below);
        final double tau = up >= down ? upper.x(above) : lower.x(below);
        return burnIn + (long) tau;
    }

    /**
     * The record where the relationship most likely changed, when a test rejects: the CUSUM's bend if
     * it rejects, else the CUSUM of squares'; 0 when neither rejects.
     */
    public long breakRecord() {
        if (cusumRejects()) {
            return cusumBreakRecord();
        }
        return cusumSquaresRejects() ? cusumSquaresBreakRecord() : 0;
    }

    /**
     * How far below the true maximum a hull query can be, in the units of S and Q: 0 while no hull
     * has been thinned, which is while every hull stayed within {@link #HULL_CAPACITY} vertices.
     */
    public double hullError() {
        return Math.max(Math.max(sumUpper.error(), sumLower.error()), Math.max(squaresUpper.error(), squaresLower.error()));
    }

    /** The tests at this moment, for a report. */
    public Summary summary() {
        final Status status = status();
        return new Summary(status, burnIn, residuals,
                cusum(), cusumBound(), cusumRejects(), cusumFirstReject, cusumBreakRecord(),
                cusumSquaresDeviation(), cusumSquaresBound(), cusumSquaresRejects(), squaresFirstReject, cusumSquaresBreakRecord(),
                breakRecord());
    }

    /**
     * The structural-break tests at one moment. Records are counted from 1; 0 means none.
     *
     * @param status                 whether the tests run, and over which records
     * @param burnIn                 d: records before the first recursive residual
     * @param residuals              m: recursive residuals the tests run on
     * @param cusum                  W_n, the CUSUM's last value (NaN below 2 residuals or when off)
     * @param cusumBound             its 5% bound at record n, 3a√m
     * @param cusumRejects           the CUSUM test rejects on the records so far (judged from {@link #MIN_RESIDUALS} residuals)
     * @param cusumFirstReject       the first n at which it rejected over records 1 … n
     * @param cusumBreakRecord       where the CUSUM path bends most
     * @param cusumSquaresDeviation  max_t |s_t − τ_t/m| of the CUSUM of squares
     * @param cusumSquaresBound      c₀, the half-width of its 5% band
     * @param cusumSquaresRejects    the CUSUM-of-squares test rejects on the records so far
     * @param cusumSquaresFirstReject the first n at which it rejected
     * @param cusumSquaresBreakRecord where the CUSUM of squares departs most from its line
     * @param breakRecord            the estimate of where the relationship changed, when a test rejects
     */
    public record Summary(
            Status status,
            long burnIn,
            long residuals,
            double cusum,
            double cusumBound,
            boolean cusumRejects,
            long cusumFirstReject,
            long cusumBreakRecord,
            double cusumSquaresDeviation,
            double cusumSquaresBound,
            boolean cusumSquaresRejects,
            long cusumSquaresFirstReject,
            long cusumSquaresBreakRecord,
            long breakRecord) {

        /** Whether either test rejects on the records so far. */
        public boolean rejects() {
            return cusumRejects || cusumSquaresRejects;
        }
    }

    // ---------------------------------------------------------------- whole paths, from stored residuals

    /**
     * The CUSUM path W_1 … W_m of residuals kept elsewhere (a test, a plot): statsmodels'
     * {@code cusum}, cumsum(w)/np.std(w, ddof=1), the standard deviation in two passes as numpy's.
     *
     * @param w the m recursive residuals after the first d records; Not modified
     */
    public static double[] cusumPath(double[] w) {
        double total = 0.0;
        for (double v : w) {
            total += v;
        }
        final double average = total / w.length;
        double squares = 0.0;
        for (double v : w) {
            squares += (v - average) * (v - average);
        }
        final double sigma = Math.sqrt(squares / (w.length - 1));
        final double[] path = new double[w.length];
        double s = 0.0;
        for (int t = 0; t < w.length; t++) {
            s += w[t];
            path[t] = s / sigma;
        }
        return path;
    }

    /**
     * The CUSUM-of-squares path s_1 … s_m: statsmodels' {@code cusum_squares}, cumsum(w²)/Σw².
     *
     * @param w the m recursive residuals after the first d records; Not modified
     */
    public static double[] cusumSquaresPath(double[] w) {
        final double[] path = new double[w.length];
        double q = 0.0;
        for (int t = 0; t < w.length; t++) {
            q += w[t] * w[t];
            path[t] = q;
        }
        for (int t = 0; t < w.length; t++) {
            path[t] /= q;
        }
        return path;
    }

    /** Bytes on the heap, approximately: the object and its four hulls. */
    public long heapBytes() {
        return 96 + sumUpper.heapBytes() + sumLower.heapBytes() + squaresUpper.heapBytes() + squaresLower.heapBytes();
    }

    // ---------------------------------------------------------------- package access for the codec

    boolean sinceRestore() {
        return sinceRestore;
    }

    boolean rankLost() {
        return rankLost;
    }

    double sum() {
        return sum;
    }

    double sumSquares() {
        return sumSquares;
    }

    double mean() {
        return mean;
    }

    double m2() {
        return m2;
    }

    UpperHull[] hulls() {
        return new UpperHull[] {sumUpper, sumLower, squaresUpper, squaresLower};
    }

    void restore(boolean sinceRestore, boolean rankLost, long burnIn, long residuals, double sum, double sumSquares,
                 double mean, double m2, long cusumFirstReject, long squaresFirstReject) {
        this.sinceRestore = sinceRestore;
        this.rankLost = rankLost;
        this.burnIn = burnIn;
        this.residuals = residuals;
        this.sum = sum;
        this.sumSquares = sumSquares;
        this.mean = mean;
        this.m2 = m2;
        this.cusumFirstReject = cusumFirstReject;
        this.squaresFirstReject = squaresFirstReject;
    }
}
