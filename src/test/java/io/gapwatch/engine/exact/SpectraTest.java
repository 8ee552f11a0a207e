package io.gapwatch.engine.exact;

import io.gapwatch.demo.SeedDesigns;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spectra a report shows — singular values of the raw and the column-scaled design, and the
 * eigenvalues of the features' correlation matrix — from the streamed factor, by native LAPACK
 * and by EJML, against numpy's SVD of the whole design (scripts/golden_spectra.py) on the NIST
 * StRD and the seed designs.
 *
 * <p>Singular values are compared on the scale of the largest: |σᵢ − σᵢ'| ≤ 1e-12·σ₁. That is
 * the accuracy any backward-stable SVD has (small singular values of an ill-conditioned matrix
 * are known only to about ε·σ₁, whoever computes them). A condition number σ₁/σ_r inherits
 * σ_r's error: it agrees to about κ·1e-15 relative, which is 1e-12 or better while κ ≤ 1e3.
 */
class SpectraTest {

    /** Each spectrum agrees to this many times the largest singular value (eigenvalue). */
    static final double SPECTRUM = 1e-12;
    /** Condition numbers agree to this relative to themselves, times max(1, κ/1e3). */
    static final double CONDITION = 1e-12;

    static Stream<String> designs() {
        final List<String> names = new ArrayList<>(StrdDataset.ALL);
        names.addAll(List.of("ramp", "kernel600", "collinear121", "keras"));
        return names.stream();
    }

    record Design(String name, double[][] x, double[] y, boolean intercept) {
    }

    static Design design(String name) {
        return switch (name) {
            case "ramp" -> seed(SeedDesigns.shiftedRamp());
            case "kernel600" -> seed(SeedDesigns.kernel600());
            case "collinear121" -> seed(SeedDesigns.collinear121());
            case "keras" -> seed(SeedDesigns.keras());
            default -> {
                final StrdDataset d = StrdDataset.load(name);
                yield new Design(name, d.x(), d.y(), d.intercept());
            }
        };
    }

    private static Design seed(SeedDesigns.Data data) {
        return new Design(data.name(), data.x(), data.y(), data.intercept());
    }

    /** numpy's spectra: design → kind → values, largest first. */
    static final Map<String, Map<String, double[]>> NUMPY = golden();

    private static Map<String, Map<String, double[]>> golden() {
        final Map<String, Map<String, List<Double>>> lists = new LinkedHashMap<>();
        try (var in = Objects.requireNonNull(SpectraTest.class.getResourceAsStream("/golden/spectra.csv"));
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.readLine();
            String line;
            while ((line = reader.readLine()) != null) {
                final String[] f = line.split(",");
                lists.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new ArrayList<>())
                        .add(Double.parseDouble(f[3]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        lists.forEach((design, kinds) -> kinds.forEach((kind, values) -> out.computeIfAbsent(design, k -> new LinkedHashMap<>())
                .put(kind, values.stream().mapToDouble(Double::doubleValue).toArray())));
        return out;
    }

    /** What a report computes: the three spectra, by one library. */
    record Spectra(double[] raw, double[] scaled, double[] correlation, int rank) {

        static Spectra of(StreamingLeastSquares fit, List<String> names, Svd.Library library) {
            final Conditioning c = ConditioningAnalysis.of(fit, names, library);
            final double[] correlation = fit.options().intercept() ? ConditioningAnalysis.correlationEigenvalues(fit, library) : null;
            return new Spectra(c.singularValues(), c.scaledSingularValues(), correlation, c.rank());
        }

        double[] kind(String kind) {
            return switch (kind) {
                case "raw" -> raw;
                case "scaled" -> scaled;
                default -> correlation;
            };
        }
    }

    static StreamingLeastSquares fit(Design design) {
        final StreamingLeastSquares fit = new StreamingLeastSquares(design.x()[0].length,
                new LeastSquaresOptions(design.intercept(), 1.0, 0.0));
        for (int i = 0; i < design.y().length; i++) {
            fit.update(design.x()[i], design.y()[i]);
        }
        return fit;
    }

    static List<String> names(int d) {
        final List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("x" + j);
        }
        return names;
    }

    /** max |aᵢ − bᵢ| / |b₁|. */
    static double spectrumError(double[] a, double[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0.0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst / Math.abs(b[0]);
    }

    /** κ = v₁/v_r over the first r values, r the rank. */
    static double condition(double[] values, int rank) {
        return values[0] / values[rank - 1];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designs")
    void shouldAgreeWithNumpyAndBetweenTheLibraries(String name) {
        final Design design = design(name);
        final StreamingLeastSquares fit = fit(design);
        final List<String> names = names(design.x()[0].length);
        final Map<String, double[]> numpy = NUMPY.get(name);
        assertThat(numpy).as("golden spectra of %s (scripts/golden_spectra.py)", name).isNotNull();

        final List<Svd.Library> libraries = new ArrayList<>(List.of(Svd.Library.EJML));
        if (Svd.DEFAULT == Svd.Library.NATIVE_LAPACK) {
            libraries.add(Svd.Library.NATIVE_LAPACK);
        }
        final Map<Svd.Library, Spectra> computed = new LinkedHashMap<>();
        for (Svd.Library library : libraries) {
            computed.put(library, Spectra.of(fit, names, library));
        }
        final StringBuilder line = new StringBuilder(name);
        for (String kind : numpy.keySet()) {
            final double[] reference = numpy.get(kind);
            for (Map.Entry<Svd.Library, Spectra> e : computed.entrySet()) {
                final double[] values = e.getValue().kind(kind);
                final double error = spectrumError(values, reference);
                line.append(String.format(Locale.ROOT, " | %s %s vs numpy %.1e", kind, e.getKey(), error));
                assertThat(error).as("%s %s spectrum by %s against numpy", name, kind, e.getKey()).isLessThanOrEqualTo(SPECTRUM);
                // the condition number over the determined part, where it is defined
                final int rank = e.getValue().rank();
                if (!kind.equals("correlation") && rank > 0) {
                    final double ours = condition(values, rank);
                    final double theirs = condition(reference, rank);
                    final double relative = Math.abs(ours - theirs) / theirs;
                    line.append(String.format(Locale.ROOT, " (κ %.3e, rel %.1e)", theirs, relative));
                    assertThat(relative).as("%s %s condition number by %s", name, kind, e.getKey())
                            .isLessThanOrEqualTo(CONDITION * Math.max(1.0, theirs / 1e3));
                }
            }
            if (computed.size() == 2) {
                final double between = spectrumError(computed.get(Svd.Library.NATIVE_LAPACK).kind(kind), computed.get(Svd.Library.EJML).kind(kind));
                line.append(String.format(Locale.ROOT, " native vs EJML %.1e", between));
                assertThat(between).isLessThanOrEqualTo(SPECTRUM);
            }
        }
        if (computed.size() == 2) {
            assertThat(computed.get(Svd.Library.NATIVE_LAPACK).rank()).as("rank").isEqualTo(computed.get(Svd.Library.EJML).rank());
        }
        System.out.println(line);
    }

    /** CI installs a native LAPACK and sets REQUIRE_NATIVE_LAPACK: there the fast path must be the one that ran. */
    @Test
    void shouldUseNativeLapackWhereTheMachineHasOne() {
        Assumptions.assumeTrue("1".equals(System.getenv("REQUIRE_NATIVE_LAPACK")), "REQUIRE_NATIVE_LAPACK is not set");
        assertThat(Svd.DEFAULT).as(Svd.implementation()).isEqualTo(Svd.Library.NATIVE_LAPACK);
    }

    /** With a single-threaded OpenBLAS installed (CI installs one), the reports use it, not a threaded default. */
    @Test
    void shouldPreferTheSingleThreadedLapackWhenOneIsInstalled() {
        final java.util.Optional<String> serial = Svd.installedSerialLapack();
        Assumptions.assumeTrue(serial.isPresent(), "no single-threaded OpenBLAS (libopenblas0-serial) on this machine");
        assertThat(Svd.implementation()).startsWith("native LAPACK").contains(serial.get());
    }
}
