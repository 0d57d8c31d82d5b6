package dev.tern.app.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request and its answer: a thin layer over the JDK's {@link HttpExchange} with the path parameters
 * the {@link Router} matched, bounded body reads and JSON answers.
 */
public final class WebExchange {
    private final HttpExchange exchange;
    private final Map<String, String> parameters;
    private final long maxRequest;
    private Map<String, List<String>> query;
    private boolean answered;

    WebExchange(HttpExchange exchange, Map<String, String> parameters, long maxRequest) {
        this.exchange = exchange;
        this.parameters = parameters;
        this.maxRequest = maxRequest;
    }

    /** The JDK exchange, for what this class does not cover (streaming answers, server-sent events). */
    public HttpExchange raw() {
        return exchange;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The request path, decoded. */
    public String path() {
        return exchange.getRequestURI().getPath();
    }

    /** A path parameter matched by the route ({@code /api/v1/queue/{id}} gives {@code id}). */
    public String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) throw new IllegalArgumentException("the route has no parameter " + name);
        return value;
    }

    /** The first value of a query parameter. */
    public Optional<String> query(String name) {
        List<String> values = queryParameters().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** A query parameter as a bounded integer; absent gives {@code fallback}, a bad value a 400 naming it. */
    public int queryInt(String name, int fallback, int min, int max) {
        Optional<String> value = query(name);
        if (value.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(value.get());
            if (n < min || n > max) throw HttpError.badField(name, name + " must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw HttpError.badField(name, name + " must be a whole number");
        }
    }

    public Map<String, List<String>> queryParameters() {
        if (query == null) {
            Map<String, List<String>> parsed = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null && !raw.isEmpty()) {
                for (String pair : raw.split("&")) {
                    if (pair.isEmpty()) continue;
                    int eq = pair.indexOf('=');
                    String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    parsed.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
                }
            }
            query = parsed;
        }
        return query;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("the query string is not well-formed");
        }
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    public InetSocketAddress remoteAddress() {
        return exchange.getRemoteAddress();
    }

    /**
     * The request body, at most {@code web.max_request} bytes; more is a 413 (see {@link #body(long)}).
     */
    public byte[] body() throws IOException {
        return body(maxRequest);
    }

    /**
     * The request body, at most {@code limit} bytes; more is a 413. A larger body is still read, and thrown away,
     * up to {@link #drainLimit}: a client still sending when the server closes would get a connection reset
     * instead of the 413 (the kernel drops the answer it had not read yet). Beyond that bound the 413 goes out with
     * {@code Connection: close} and the rest is not read.
     */
    public byte[] body(long limit) throws IOException {
        long limitHere = Math.min(limit, maxRequest);
        long declared = -1;
        Optional<String> length = header("Content-Length");
        if (length.isPresent()) {
            try {
                declared = Long.parseLong(length.get().trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("Content-Length is not a number");
            }
            if (declared < 0) throw HttpError.badRequest("Content-Length is negative");
        }
        try (InputStream in = exchange.getRequestBody()) {
            if (declared > limitHere) throw tooLarge(in, 0, declared, limitHere);
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared >= 0 ? (int) Math.min(declared, 1 << 20) : 8192);
            byte[] buffer = new byte[16384];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limitHere) throw tooLarge(in, total, declared, limitHere);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** Octets of a body over its limit that are read and dropped so the 413 arrives: four times the limit, 1 to 256 MiB. */
    static long drainLimit(long limit) {
        return Math.clamp(4 * limit, 1L << 20, 256L << 20);
    }

    /**
     * The 413 for a body over {@code limit}, {@code read} octets of which are read ({@code declared} in all, or -1
     * when chunked): the rest is drained first, unless it is declared larger than the bound.
     */
    private HttpError tooLarge(InputStream in, long read, long declared, long limit) throws IOException {
        HttpError error = HttpError.tooLarge("the request body is larger than " + limit + " bytes");
        long bound = drainLimit(limit);
        if (declared > bound) {
            exchange.getResponseHeaders().set("Connection", "close");
            return error;
        }
        byte[] buffer = new byte[65536];
        long total = read;
        int n = 0;
        while (total <= bound && (n = in.read(buffer)) > 0) total += n;
        if (n > 0) exchange.getResponseHeaders().set("Connection", "close"); // more is coming: do not wait for it
        return error;
    }

    /** The request body as JSON of {@code type}; a wrong shape is a 400 naming the field. */
    public <T> T json(Class<T> type) throws IOException {
        String contentType = header("Content-Type").orElse("");
        if (!contentType.isEmpty() && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpError(415, "unsupported_media_type", "expected application/json");
        }
        return Json.read(body(), type);
    }

    public WebExchange header(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
        return this;
    }

    public void json(int status, Object value) throws IOException {
        send(status, "application/json", Json.write(value));
    }

    public void text(int status, String text) throws IOException {
        send(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public void html(int status, String html) throws IOException {
        send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code status} with {@code body} of {@code contentType}; a HEAD request gets the headers alone. */
    public void send(int status, String contentType, byte[] body) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (method().equals("HEAD") || status == 204 || status == 304) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Answers with no body. */
    public void empty(int status) throws IOException {
        answered = true;
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** Whether an answer was sent. */
    public boolean answered() {
        return answered;
    }

    /** For a handler that answers through {@link #raw()} itself (a server-sent event stream). */
    public void markAnswered() {
        answered = true;
    }
}
