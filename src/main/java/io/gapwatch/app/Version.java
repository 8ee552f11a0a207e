package io.gapwatch.app;

import picocli.CommandLine;

/** The version stamped into the jar's manifest by Maven (or "development" when run from classes). */
final class Version implements CommandLine.IVersionProvider {

    static String current() {
        final String v = Gapwatch.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"gapwatch " + current()};
    }
}
