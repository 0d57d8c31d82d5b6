package dev.tern.app.web;

import java.util.Optional;

/**
 * A request that cannot be served, thrown from a handler and answered by the {@link Router} as
 * {@code {"error": {"code": ..., "message": ..., "field": ...}}} with its status. Never carries a stack trace to
 * the client.
 *
 * @param status  the HTTP status (400, 401, 403, 404, 405, 409, 413, 415, 429, 503 ...)
 * @param code    a short machine-readable word ({@code bad_request}, {@code unauthorized}, {@code rate_limited} ...)
 * @param field   the request field at fault, for a 400
 */
public final class HttpError extends RuntimeException {
    private final int status;
    private final String code;
    private final Optional<String> field;
    private final Optional<String> retryAfter;

    public HttpError(int status, String code, String message) {
        this(status, code, message, null, null);
    }

    private HttpError(int status, String code, String message, String field, String retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = Optional.ofNullable(field);
        this.retryAfter = Optional.ofNullable(retryAfter);
    }

    /** A 400 naming the field at fault. */
    public static HttpError badField(String field, String message) {
        return new HttpError(400, "bad_request", message, field, null);
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, "bad_request", message);
    }

    public static HttpError unauthorized(String message) {
        return new HttpError(401, "unauthorized", message);
    }

    public static HttpError forbidden(String message) {
        return new HttpError(403, "forbidden", message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, "not_found", message);
    }

    public static HttpError tooLarge(String message) {
        return new HttpError(413, "too_large", message);
    }

    /** A 429 with {@code Retry-After} in whole seconds. */
    public static HttpError rateLimited(String message, long retryAfterSeconds) {
        return new HttpError(429, "rate_limited", message, null, Long.toString(Math.max(1, retryAfterSeconds)));
    }

    /** A 503 (a full disk, a server shutting down): the client should retry later. */
    public static HttpError unavailable(String message, long retryAfterSeconds) {
        return new HttpError(503, "unavailable", message, null, Long.toString(Math.max(1, retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Optional<String> field() {
        return field;
    }

    public Optional<String> retryAfter() {
        return retryAfter;
    }
}
