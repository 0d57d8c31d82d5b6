package dev.tern.app.web;

import java.io.IOException;

/**
 * Every route of the web listener, in one place: each feature (submission API, console and its REST API, metrics
 * and health, autoconfiguration, ACME challenges, capture) adds its routes here. Order matters only where two
 * patterns overlap: the first added wins.
 */
public final class WebRoutes {
    private WebRoutes() {}

    public static void register(Router router, WebContext context) throws IOException {
        // features register here, one line each
        dev.tern.app.capture.CaptureRoutes.register(router, context);
    }
}
