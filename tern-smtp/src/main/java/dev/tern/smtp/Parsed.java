package dev.tern.smtp;

/** What reading part of a command line gives: the value, or the reply that says why not. */
sealed interface Parsed<T> {
    record Ok<T>(T value) implements Parsed<T> {}

    record Failed<T>(Reply reply) implements Parsed<T> {}

    static <T> Parsed<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Parsed<T> failed(Reply reply) {
        return new Failed<>(reply);
    }
}
