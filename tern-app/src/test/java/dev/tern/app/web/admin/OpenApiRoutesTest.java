package dev.tern.app.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.MutableClock;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The OpenAPI document the server serves and the routes the web listener registers cannot drift apart: every
 * {@code /api/v1} route is documented with its method, and every documented operation is a route.
 */
class OpenApiRoutesTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    @TempDir
    Path data;

    /** The operations of the document, as {@code "METHOD /path"}; strict YAML (a duplicate key is an error). */
    @SuppressWarnings("unchecked")
    private static TreeSet<String> documented() throws Exception {
        String text;
        try (InputStream in = AdminRoutes.class.getResourceAsStream("/dev/tern/app/web/openapi.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> document = (Map<String, Object>) new Load(LoadSettings.builder()
                .setAllowDuplicateKeys(false).build()).loadFromString(text);
        assertThat(document.get("openapi")).isEqualTo("3.1.0");
        TreeSet<String> operations = new TreeSet<>();
        for (var path : ((Map<String, Object>) document.get("paths")).entrySet()) {
            for (String key : ((Map<String, Object>) path.getValue()).keySet()) {
                if (METHODS.contains(key)) operations.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }
        return operations;
    }

    @Test
    void everyApiRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws Exception {
        TreeSet<String> documented = documented();
        List<String> routes;
        try (AdminFixture fixture = new AdminFixture(data, new MutableClock())) { // capture on: all routes registered
            routes = fixture.router.routes();
        }
        TreeSet<String> api = new TreeSet<>();
        for (String route : routes) {
            if (route.substring(route.indexOf(' ') + 1).startsWith("/api/v1/")) api.add(route);
        }
        List<String> undocumented = new ArrayList<>(api);
        undocumented.removeAll(documented);
        assertThat(undocumented).as("routes missing from openapi.yaml").isEmpty();
        List<String> stale = new ArrayList<>(documented);
        stale.removeAll(routes); // a page such as /capture may be documented too
        assertThat(stale).as("operations in openapi.yaml that no route serves").isEmpty();
        assertThat(api).contains("DELETE /api/v1/mailboxes/{user}/{folder}/messages/{uid}", "GET /api/v1/log");
    }
}
