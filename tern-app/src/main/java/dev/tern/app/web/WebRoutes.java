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
        dev.tern.app.web.api.MessageRoutes.register(router, context);
        dev.tern.app.web.admin.AdminRoutes.register(router, context); // the admin REST API and the console
        dev.tern.app.autoconfig.AutoconfigRoutes.register(router, context);
        dev.tern.app.metrics.MetricsRoutes.register(router, context);
        dev.tern.app.capture.CaptureRoutes.register(router, context);
    }
}
