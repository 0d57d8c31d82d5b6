package dev.tern.app.web.console;

import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The web console: one static page and its script and style, served from the class path under a strict CSP
 * ({@code default-src 'self'}, no framing). The page itself is public (it holds no data); everything it shows
 * comes from the admin REST API with the session cookie.
 */
public final class ConsoleRoutes {
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private ConsoleRoutes() {}

    public static void register(Router router) {
        router.get("/", exchange -> {
            exchange.header("Location", "/console/");
            exchange.empty(302);
        });
        router.get("/console", exchange -> asset(exchange, "index.html")); // the router reads /console/ as /console
        router.get("/console/{asset}", exchange -> asset(exchange, exchange.parameter("asset")));
    }

    private static void asset(WebExchange exchange, String name) throws IOException {
        String type = ASSETS.get(name);
        if (type == null) throw HttpError.notFound("no such console file");
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(name)) {
            if (in == null) throw HttpError.notFound("no such console file");
            exchange.header("Content-Security-Policy",
                    "default-src 'self'; frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
            exchange.header("X-Frame-Options", "DENY");
            exchange.send(200, type, in.readAllBytes());
        }
    }
}
