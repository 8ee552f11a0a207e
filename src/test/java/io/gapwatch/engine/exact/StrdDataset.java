package io.gapwatch.engine.exact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One NIST StRD linear regression data set, read from the test resources (see strd/PROVENANCE.md). */
record StrdDataset(String name, boolean intercept, double[][] x, double[] y, double[] certified) {

    static final List<String> ALL = List.of("Norris", "Pontius", "NoInt1", "NoInt2", "Longley",
            "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5", "Filip");

    static StrdDataset load(String name) {
        try (var in = Objects.requireNonNull(StrdDataset.class.getResourceAsStream("/strd/" + name + ".dat"), name);
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            int polyDegree = 0;
            boolean intercept = true;
            final List<Double> certified = new ArrayList<>();
            final List<double[]> rows = new ArrayList<>();
            boolean data = false;
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                final String[] parts = line.split("\\s+");
                if (data) {
                    final double[] row = new double[parts.length];
                    for (int i = 0; i < parts.length; i++) {
                        row[i] = Double.parseDouble(parts[i]);
                    }
                    rows.add(row);
                } else if (parts[0].equals("model") && parts[1].equals("poly")) {
                    polyDegree = Integer.parseInt(parts[2]);
                } else if (parts[0].equals("intercept")) {
                    intercept = parts[1].equals("yes");
                } else if (parts[0].equals("certified")) {
                    certified.add(Double.parseDouble(parts[2]));
                } else if (parts[0].equals("data")) {
                    data = true;
                }
            }
            final int n = rows.size();
            final double[] y = new double[n];
            final double[][] x = new double[n][];
            for (int i = 0; i < n; i++) {
                final double[] row = rows.get(i);
                y[i] = row[0];
                if (polyDegree > 0) {
                    x[i] = new double[polyDegree];
                    for (int k = 0; k < polyDegree; k++) {
                        x[i][k] = Math.pow(row[1], k + 1);
                    }
                } else {
                    x[i] = java.util.Arrays.copyOfRange(row, 1, row.length);
                }
            }
            // NoInt sets list a certified B0 of 0 for the absent intercept in some transcriptions; keep only real coefficients.
            final int p = x[0].length + (intercept ? 1 : 0);
            final double[] c = new double[p];
            final int skip = certified.size() - p;
            for (int i = 0; i < p; i++) {
                c[i] = certified.get(i + skip);
            }
            return new StrdDataset(name, intercept, x, y, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Log relative error, capped at 15 like NIST's tables. */
    static double lre(double estimate, double certified) {
        if (estimate == certified) {
            return 15.0;
        }
        final double relative = certified == 0.0 ? Math.abs(estimate) : Math.abs(estimate - certified) / Math.abs(certified);
        return Math.min(15.0, -Math.log10(relative));
    }

    @Override
    public String toString() {
        return name;
    }
}
