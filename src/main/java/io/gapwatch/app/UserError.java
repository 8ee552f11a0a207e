package io.gapwatch.app;

/** A problem the user can fix (a bad setting, an unwritable output): reported in one line, exit code 1. */
public final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }
}
