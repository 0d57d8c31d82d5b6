package dev.tern.mailauth.arc;

/** A parsed ARC field, or why it is not usable. */
sealed interface Parsed<T> {
    record Ok<T>(T value) implements Parsed<T> {}

    record Invalid<T>(String reason) implements Parsed<T> {
        public Invalid {
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a reason is needed");
        }
    }
}
