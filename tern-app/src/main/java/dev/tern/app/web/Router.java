package dev.tern.app.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a method and a path to a {@link Handler}. Patterns are literal segments, {@code {name}} segments (one path
 * segment, given to the handler as a parameter) and a final {@code *} (the rest of the path, as parameter
 * {@code *}). The first route added that matches wins. A path that matches no route is a 404, one that matches
 * only with another method a 405 with {@code Allow}; a handler's {@link HttpError} becomes its JSON error, and any
 * other failure a 500 with no detail (the detail goes to the log).
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    @FunctionalInterface
    public interface Handler {
        void handle(WebExchange exchange) throws IOException;
    }

    private record Route(String method, String pattern, String[] segments, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile long maxRequest = WebSettings.DEFAULT_MAX_REQUEST;

    /** Something the routes hold open (a file), closed with the listener ({@link WebServer#close}). */
    public synchronized Router closing(AutoCloseable resource) {
        resources.add(resource);
        return this;
    }

    /** Closes what {@link #closing} was given, in reverse order; a failure is logged, the rest still closed. */
    synchronized void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("closing a web resource failed: {}", e.toString());
            }
        }
        resources.clear();
    }

    /** Adds a route; {@code method} is GET, POST, PUT, DELETE, PATCH (GET also answers HEAD). */
    public synchronized Router add(String method, String pattern, Handler handler) {
        if (!pattern.startsWith("/")) throw new IllegalArgumentException("a route pattern starts with /: " + pattern);
        routes.add(new Route(method, pattern, split(pattern), handler));
        return this;
    }

    /** Every route added, as {@code "METHOD /pattern"}, in order (a test compares them with the OpenAPI document). */
    public synchronized List<String> routes() {
        return routes.stream().map(r -> r.method() + " " + r.pattern()).toList();
    }

    public Router get(String pattern, Handler handler) {
        return add("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return add("POST", pattern, handler);
    }

    public Router delete(String pattern, Handler handler) {
        return add("DELETE", pattern, handler);
    }

    void maxRequest(long value) {
        this.maxRequest = value;
    }

    private static String[] split(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed.equals("/") ? new String[0] : trimmed.substring(1).split("/", -1);
    }

    /** Serves one exchange; never throws. */
    void dispatch(HttpExchange exchange) {
        try (exchange) {
            securityHeaders(exchange);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String[] segments = split(path == null || path.isEmpty() ? "/" : path);
            Set<String> allowed = new LinkedHashSet<>();
            List<Route> snapshot;
            synchronized (this) {
                snapshot = List.copyOf(routes);
            }
            for (Route route : snapshot) {
                Map<String, String> parameters = match(route.segments(), segments);
                if (parameters == null) continue;
                boolean methodMatches = route.method().equals(method) || (method.equals("HEAD") && route.method().equals("GET"));
                if (!methodMatches) {
                    allowed.add(route.method());
                    continue;
                }
                WebExchange web = new WebExchange(exchange, parameters, maxRequest);
                try {
                    route.handler().handle(web);
                    if (!web.answered()) web.empty(204);
                } catch (HttpError e) {
                    if (!web.answered()) error(web, e);
                } catch (IOException e) {
                    if (web.answered()) {
                        log.debug("web request {} {} ended: {}", method, path, e.toString()); // the client went away
                    } else {
                        // A store's or the spool's I/O failed before an answer (or the client left while its body
                        // was read: then this answer goes nowhere): a temporary failure, never a dropped connection.
                        log.warn("web request {} {} failed: {}", method, path, e.toString());
                        error(web, new HttpError(503, "unavailable", "the server could not finish this request; try again"));
                    }
                } catch (RuntimeException e) {
                    log.warn("web request {} {} failed: {}", method, path, e.toString(), e);
                    if (!web.answered()) error(web, new HttpError(500, "internal", "the server failed this request"));
                }
                return;
            }
            WebExchange web = new WebExchange(exchange, Map.of(), maxRequest);
            if (!allowed.isEmpty()) {
                if (allowed.contains("GET")) allowed.add("HEAD");
                web.header("Allow", String.join(", ", new TreeSet<>(allowed)));
                error(web, new HttpError(405, "method_not_allowed", method + " is not allowed here"));
            } else {
                error(web, HttpError.notFound("no such resource: " + path));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("web exchange ended: {}", e.toString());
        }
    }

    private static void securityHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
    }

    static void error(WebExchange web, HttpError e) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", e.code());
        body.put("message", e.getMessage());
        e.field().ifPresent(f -> body.put("field", f));
        e.retryAfter().ifPresent(s -> web.header("Retry-After", s));
        if (e.status() == 401) web.header("WWW-Authenticate", "Bearer realm=\"tern\"");
        web.json(e.status(), Map.of("error", body));
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        Map<String, String> parameters = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.equals("*") && i == pattern.length - 1) {
                if (parameters == null) parameters = new LinkedHashMap<>();
                parameters.put("*", String.join("/", java.util.Arrays.copyOfRange(path, Math.min(i, path.length), path.length)));
                return parameters;
            }
            if (i >= path.length) return null;
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) return null;
                if (parameters == null) parameters = new LinkedHashMap<>();
                parameters.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        if (pattern.length != path.length) return null;
        return parameters == null ? Map.of() : parameters;
    }
}
