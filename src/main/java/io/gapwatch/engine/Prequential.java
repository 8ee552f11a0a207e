package io.gapwatch.engine;

/**
 * Test-then-train scores of one predictor: each record is predicted before the predictor learns
 * from it (Dawid 1984), so the score is an honest out-of-sample one computed on the fly.
 * Sums decay with the model's forgetting factor, like the exact fit's.
 * <pre>
 *   MSE_preq = Σ λ^age (y − ŷ)² / Σ λ^age,        R²_preq = 1 − Σ λ^age (y − ŷ)² / Σ λ^age (y − ȳ)²
 * </pre>
 * with ȳ the weighted mean of the scored records (West's weighted Welford update).
 */
public final class Prequential {

    private double weight;
    private double sse;
    private double mean;
    private double sumSquaredDeviations;
    private long count;

    void add(double y, double prediction, double forgetting) {
        weight = forgetting * weight + 1.0;
        sumSquaredDeviations *= forgetting;
        final double error = y - prediction;
        sse = forgetting * sse + error * error;
        final double delta = y - mean;
        mean += delta / weight;
        sumSquaredDeviations += delta * (y - mean);
        count++;
    }

    /** Records scored. */
    public long count() {
        return count;
    }

    public double mse() {
        return count == 0 ? Double.NaN : sse / weight;
    }

    /** R² of the predictions, scikit-learn's conventions for a constant target. */
    public double r2() {
        if (count == 0) {
            return Double.NaN;
        }
        if (sumSquaredDeviations == 0.0) {
            return sse == 0.0 ? 1.0 : 0.0;
        }
        return 1.0 - sse / sumSquaredDeviations;
    }

    double[] state() {
        return new double[] {weight, sse, mean, sumSquaredDeviations, count};
    }

    void restore(double[] s) {
        weight = s[0];
        sse = s[1];
        mean = s[2];
        sumSquaredDeviations = s[3];
        count = (long) s[4];
    }
}
