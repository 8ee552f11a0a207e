package io.gapwatch.engine.exact;

import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.netlib.util.intW;

/**
 * Singular values (and, when asked, right singular vectors) of the small square matrices the
 * reports analyse: the p × p factor, raw and column-scaled, and the correlation block.
 *
 * <h2>Which library</h2>
 * LAPACK's {@code dgesdd} through dev.ludovic.netlib's JNI binding when the system has a native
 * LAPACK (Debian's liblapack3 or libopenblas0, single-threaded preferred: {@link #SERIAL_LAPACK};
 * Spark MLlib loads it the same way): at p = 513 it
 * takes about 30 ms where EJML's SVD takes 100–190 ms. Without one, EJML — faster than netlib's
 * own Java fallback (F2J, about 200 ms). Both are backward stable; they agree to about
 * 1e-13·σ_max (SvdTest). Only reports use this class: the model's state never depends on which
 * library a machine has (the minimum-norm solve keeps to EJML).
 *
 * <p>Inputs are row-major {@link DMatrixRMaj}; Not modified.
 */
public final class Svd {

    /** The two implementations; {@link #DEFAULT} is what reports use on this machine. */
    public enum Library {
        /** LAPACK dgesdd, native, through dev.ludovic.netlib; available only when a system LAPACK loads. */
        NATIVE_LAPACK,
        /** EJML's SVD, pure Java: everywhere. */
        EJML
    }

    /** dev.ludovic.netlib's settings for which system library its binding opens. */
    static final String NATIVE_LIB_PATH = "dev.ludovic.netlib.lapack.nativeLibPath";
    static final String NATIVE_LIB = "dev.ludovic.netlib.lapack.nativeLib";

    /**
     * Where Debian and Ubuntu keep a single-threaded LAPACK (libopenblas0-serial). OpenBLAS's
     * threaded build splits these small factorizations across threads at a loss, and those threads
     * compete with the stream thread for the cores: on 2 cores a d = 128 report took 6.3 ms with it
     * and 3.7 ms single-threaded, d = 512 148 ms and 111 ms (ReportBenchmark, young). So when no
     * library was chosen with the two settings above, a serial one that is present is preferred.
     */
    static final java.util.List<String> SERIAL_LAPACK = java.util.List.of(
            "/usr/lib/x86_64-linux-gnu/openblas-serial/liblapack.so.3",
            "/usr/lib/aarch64-linux-gnu/openblas-serial/liblapack.so.3");

    /** The first of {@link #SERIAL_LAPACK} this machine has. */
    static java.util.Optional<String> installedSerialLapack() {
        return SERIAL_LAPACK.stream().filter(path -> java.nio.file.Files.isReadable(java.nio.file.Path.of(path))).findFirst();
    }

    /** The native LAPACK, or null: then EJML. */
    private static final LAPACK NATIVE = loadNative();
    /** Native LAPACK when it loads (and -Dgapwatch.svd.ejml is not set), else EJML. */
    public static final Library DEFAULT = NATIVE != null ? Library.NATIVE_LAPACK : Library.EJML;

    private Svd() {
    }

    private static LAPACK loadNative() {
        if (Boolean.getBoolean("gapwatch.svd.ejml")) { // to compare the two, and in the tests of the fallback
            return null;
        }
        if (System.getProperty(NATIVE_LIB_PATH) == null && System.getProperty(NATIVE_LIB) == null) {
            installedSerialLapack().ifPresent(path -> System.setProperty(NATIVE_LIB_PATH, path));
        }
        try {
            return NativeLAPACK.getInstance();
        } catch (Throwable e) { // no system LAPACK, or no JNI stub for this platform
            return null;
        }
    }

    /** "native LAPACK (dev.ludovic.netlib, …, the library file)" or "EJML": what computes the reports' SVDs on this machine. */
    public static String implementation() {
        if (NATIVE == null) {
            return "EJML";
        }
        final String library = System.getProperty(NATIVE_LIB_PATH, System.getProperty(NATIVE_LIB, "liblapack.so.3, the system's default"));
        return "native LAPACK (dev.ludovic.netlib, " + NATIVE.getClass().getSimpleName() + ", " + library + ")";
    }

    /** Singular values sorted largest first; with V (columns in the same order) when asked for. */
    public record Result(double[] values, DMatrixRMaj v) {
    }

    /**
     * @param a       square matrix; Not modified
     * @param vectors whether to compute V
     * @throws ArithmeticException if the SVD does not converge
     */
    public static Result of(DMatrixRMaj a, boolean vectors) {
        return of(a, vectors, DEFAULT);
    }

    /**
     * @throws IllegalStateException if {@code library} is {@link Library#NATIVE_LAPACK} and none loaded
     */
    public static Result of(DMatrixRMaj a, boolean vectors, Library library) {
        if (library == Library.EJML) {
            return ejml(a, vectors);
        }
        if (NATIVE == null) {
            throw new IllegalStateException("no native LAPACK on this machine (or -Dgapwatch.svd.ejml=true)");
        }
        return lapack(a, vectors);
    }

    private static Result lapack(DMatrixRMaj a, boolean vectors) {
        final int n = a.numRows;
        if (n == 0) {
            return new Result(new double[0], vectors ? new DMatrixRMaj(0, 0) : null);
        }
        // LAPACK is column-major
        final double[] columnMajor = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                columnMajor[i + j * n] = a.unsafe_get(i, j);
            }
        }
        final double[] s = new double[n];
        final double[] u = vectors ? new double[n * n] : new double[1];
        final double[] vt = vectors ? new double[n * n] : new double[1];
        final int[] iwork = new int[8 * n];
        final intW info = new intW(0);
        final String job = vectors ? "A" : "N";
        final double[] query = new double[1];
        NATIVE.dgesdd(job, n, n, columnMajor, n, s, u, vectors ? n : 1, vt, vectors ? n : 1, query, -1, iwork, info);
        final double[] work = new double[(int) query[0]];
        NATIVE.dgesdd(job, n, n, columnMajor, n, s, u, vectors ? n : 1, vt, vectors ? n : 1, work, work.length, iwork, info);
        if (info.val != 0) {
            throw new ArithmeticException("LAPACK dgesdd did not converge (info " + info.val + ")");
        }
        DMatrixRMaj v = null;
        if (vectors) {
            // Vᵀ column-major: element (r, c) at r + c·n is V(c, r)
            v = new DMatrixRMaj(n, n);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    v.unsafe_set(c, r, vt[r + c * n]);
                }
            }
        }
        return new Result(s, v); // dgesdd returns them largest first
    }

    private static Result ejml(DMatrixRMaj a, boolean vectors) {
        final SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, vectors, false);
        if (!svd.decompose(a.copy())) {
            throw new ArithmeticException("SVD did not converge");
        }
        final int n = svd.numberOfSingularValues();
        final double[] unsorted = svd.getSingularValues();
        final int[] order = MinimumNormSolver.descendingOrder(unsorted, n);
        final double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = unsorted[order[i]];
        }
        DMatrixRMaj v = null;
        if (vectors) {
            final DMatrixRMaj raw = svd.getV(null, false);
            v = new DMatrixRMaj(raw.numRows, n);
            for (int c = 0; c < n; c++) {
                for (int r = 0; r < raw.numRows; r++) {
                    v.unsafe_set(r, c, raw.unsafe_get(r, order[c]));
                }
            }
        }
        return new Result(sorted, v);
    }
}
