package io.gapwatch.engine.exact;

/**
 * Weighted mean and sum of squared deviations of one variable, with exponential forgetting.
 *
 * <p>West's weighted form of Welford's update (West 1979, CACM 22(9)), stable where the
 * textbook Σy² − (Σy)²/W cancels catastrophically:
 * <pre>
 *   W ← W + 1,   δ = y − mean,   mean ← mean + δ / W,   M2 ← M2 + δ (y − mean)
 * </pre>
 * Forgetting multiplies W and M2 by λ before each record; the mean is unchanged by it.
 * Two instances over disjoint records combine exactly with Chan, Golub &amp; LeVeque's formula.
 */
final class WeightedMoments {

    private double weight;
    private double mean;
    private double sumSquaredDeviations;

    void decay(double forgetting) {
        weight *= forgetting;
        sumSquaredDeviations *= forgetting;
    }

    void add(double y) {
        weight += 1.0;
        final double delta = y - mean;
        mean += delta / weight;
        sumSquaredDeviations += delta * (y - mean);
    }

    //   W = Wa + Wb,  δ = mean_b − mean_a,  mean = mean_a + δ·Wb/W,  M2 = M2a + M2b + δ²·Wa·Wb/W
    void merge(WeightedMoments other) {
        if (other.weight == 0.0) {
            return;
        }
        final double total = weight + other.weight;
        final double delta = other.mean - mean;
        sumSquaredDeviations += other.sumSquaredDeviations + delta * delta * (weight * other.weight / total);
        mean += delta * (other.weight / total);
        weight = total;
    }

    double weight() {
        return weight;
    }

    double mean() {
        return mean;
    }

    /** Σ w (y − mean)². */
    double sumSquaredDeviations() {
        return sumSquaredDeviations;
    }

    void set(double weight, double mean, double sumSquaredDeviations) {
        this.weight = weight;
        this.mean = mean;
        this.sumSquaredDeviations = sumSquaredDeviations;
    }

    void copyFrom(WeightedMoments other) {
        set(other.weight, other.mean, other.sumSquaredDeviations);
    }
}
