package dev.tern.app.web.admin;

import dev.tern.app.control.QueueEntry;
import dev.tern.app.log.RecentLog;
import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebExchange;
import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin REST API under {@code /api/v1} that the console uses and scripts may call: the session, the queue
 * (paged and searched), the mailboxes ({@link MailboxRoutes}), accounts, DKIM keys, health and the recent log.
 * Every route but the login and the OpenAPI document requires an admin ({@link AdminAuth#requireAdmin}).
 */
public final class AdminRoutes {
    /** A login request. */
    public record LoginRequest(String username, String password) {}

    /** A login body is a username and a password: anything larger is refused before it is read. */
    private static final long MAX_LOGIN = 4096;

    private final WebContext context;
    private final AdminAuth auth;
    private final Instant started;

    private AdminRoutes(WebContext context, AdminAuth auth) {
        this.context = context;
        this.auth = auth;
        this.started = context.clock().instant();
    }

    /** Adds the admin routes and the console's pages. */
    public static void register(Router router, WebContext context) throws IOException {
        AdminAuth auth = new AdminAuth(context);
        AdminRoutes routes = new AdminRoutes(context, auth);
        router.post("/api/v1/session", routes::login);
        router.delete("/api/v1/session", routes::logout);
        router.get("/api/v1/session", routes::whoami);
        router.get("/api/v1/queue", routes::queue);
        router.get("/api/v1/queue/{id}", routes::queueEntry);
        for (String action : List.of("hold", "release", "flush", "bounce")) {
            router.post("/api/v1/queue/{id}/" + action, exchange -> routes.queueAction(exchange, action));
        }
        router.delete("/api/v1/queue/{id}", exchange -> routes.queueAction(exchange, "delete"));
        MailboxRoutes.register(router, context, auth);
        router.get("/api/v1/accounts", routes::accounts);
        router.get("/api/v1/dkim", routes::dkim);
        router.get("/api/v1/health", routes::health);
        router.get("/api/v1/log", routes::log);
        router.get("/api/v1/openapi.yaml", AdminRoutes::openapi);
        dev.tern.app.web.console.ConsoleRoutes.register(router);
    }

    private static boolean secure(WebExchange exchange) {
        return exchange.raw() instanceof com.sun.net.httpserver.HttpsExchange;
    }

    private void login(WebExchange exchange) throws IOException {
        LoginRequest request = dev.tern.app.web.Json.read(exchange.body(MAX_LOGIN), LoginRequest.class);
        AdminAuth.Login login = auth.login(exchange, request.username(), request.password());
        exchange.header("Set-Cookie", auth.setCookie(login.cookie(), secure(exchange), false));
        exchange.json(200, Map.of("username", login.user(), "csrf", login.csrf()));
    }

    private void logout(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        auth.logout(exchange);
        exchange.header("Set-Cookie", auth.setCookie("", secure(exchange), true));
        exchange.empty(204);
    }

    private void whoami(WebExchange exchange) throws IOException {
        String user = auth.requireAdmin(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", user);
        auth.csrf(exchange).ifPresent(csrf -> body.put("csrf", csrf));
        exchange.json(200, body);
    }

    /**
     * One page of the queue, oldest first. The listing streams from the queue control; only entries that match
     * the search and fall on the page become JSON, so a page costs one pass over the queue, not one object per
     * queued message.
     */
    private void queue(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        String q = exchange.query("q").orElse("").strip().toLowerCase(Locale.ROOT);
        String state = exchange.query("state").orElse("");
        if (!List.of("", "active", "held", "deferred").contains(state)) {
            throw HttpError.badField("state", "state must be active, held or deferred");
        }
        int offset = exchange.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        int limit = exchange.queryInt("limit", 50, 1, 500);
        List<Map<String, Object>> page = new ArrayList<>(limit);
        int[] total = {0};
        context.queue().list(entry -> {
            if (!matches(entry, q, state)) return;
            int index = total[0]++;
            if (index >= offset && index < offset + limit) page.add(summary(entry));
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", total[0]);
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("messages", page);
        exchange.json(200, body);
    }

    private static boolean matches(QueueEntry entry, String q, String state) {
        switch (state) {
            case "held" -> { if (!entry.held()) return false; }
            case "deferred" -> { if (entry.held() || entry.attempts() == 0) return false; }
            case "active" -> { if (entry.held() || entry.attempts() > 0) return false; }
            default -> { }
        }
        if (q.isEmpty()) return true;
        if (entry.id().value().toLowerCase(Locale.ROOT).contains(q)) return true;
        if (entry.envelope().reversePath().toString().toLowerCase(Locale.ROOT).contains(q)) return true;
        for (RecipientState r : entry.recipients()) {
            if (r.recipient().mailbox().toString().toLowerCase(Locale.ROOT).contains(q)) return true;
        }
        return false;
    }

    private static Map<String, Object> summary(QueueEntry entry) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", entry.id().value());
        m.put("sender", sender(entry));
        m.put("recipients", entry.recipients().stream().map(r -> r.recipient().mailbox().toString()).toList());
        m.put("accepted", entry.accepted().toString());
        m.put("size", entry.size());
        m.put("attempts", entry.attempts());
        m.put("next_attempt", entry.nextAttempt().toString());
        m.put("held", entry.held());
        return m;
    }

    private static String sender(QueueEntry entry) {
        String path = entry.envelope().reversePath().toString();
        return path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1) : path;
    }

    private QueueId queueId(WebExchange exchange) {
        try {
            return new QueueId(exchange.parameter("id"));
        } catch (IllegalArgumentException e) {
            throw HttpError.notFound("no such queued message");
        }
    }

    private void queueEntry(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        QueueEntry entry = context.queue().show(queueId(exchange))
                .orElseThrow(() -> HttpError.notFound("no such queued message"));
        Map<String, Object> body = summary(entry);
        List<Map<String, Object>> recipients = new ArrayList<>();
        for (RecipientState r : entry.recipients()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("address", r.recipient().mailbox().toString());
            m.put("status", r.status().name().toLowerCase(Locale.ROOT));
            m.put("diagnostic", r.diagnostic());
            m.put("history", r.history().stream().map(a -> Map.of("at", a.at().toString(), "host", a.host(),
                    "diagnostic", a.diagnostic())).toList());
            recipients.add(m);
        }
        body.put("recipients", recipients);
        exchange.json(200, body);
    }

    private void queueAction(WebExchange exchange, String action) throws IOException {
        auth.requireAdmin(exchange);
        QueueId id = queueId(exchange);
        var result = switch (action) {
            case "hold" -> context.queue().hold(id);
            case "release" -> context.queue().release(id);
            case "flush" -> context.queue().flush(new dev.tern.app.control.FlushTarget.Message(id));
            case "bounce" -> context.queue().bounce(id);
            default -> context.queue().delete(id);
        };
        if (result instanceof dev.tern.app.control.ControlResult.NotFound) throw HttpError.notFound("no such queued message");
        exchange.json(200, Map.of("id", id.value(), "action", action, "result", result.toString()));
    }

    private void accounts(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        var admins = AdminAuth.readAdmins(context.config().dataDirectory());
        exchange.json(200, Map.of("accounts", context.accounts().list().stream()
                .map(a -> Map.of("username", a.username(), "admin", admins.contains(a.username().toLowerCase(Locale.ROOT))))
                .toList()));
    }

    private void dkim(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        var keys = dev.tern.mailauth.dkim.DkimKeys.list(context.config().dataDirectory().resolve("dkim"));
        exchange.json(200, Map.of("keys", keys.stream().map(k -> Map.of("domain", k.domain(), "selector", k.selector(),
                "algorithm", k.algorithm().name().toLowerCase(Locale.ROOT), "active", k.active(), "dns_record", k.dnsRecord()))
                .toList()));
    }

    private void health(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        int[] counts = new int[3];
        context.queue().list(entry -> {
            counts[0]++;
            if (entry.held()) counts[1]++;
            else if (entry.attempts() > 0) counts[2]++;
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uptime_seconds", Duration.between(started, context.clock().instant()).toSeconds());
        body.put("queue", Map.of("total", counts[0], "held", counts[1], "deferred", counts[2]));
        exchange.json(200, body);
    }

    /** The newest records of the recent log at {@code level} or above, oldest first. */
    private void log(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        String name = exchange.query("level").orElse("info");
        org.slf4j.event.Level level = RecentLog.level(name)
                .orElseThrow(() -> HttpError.badField("level", "level must be trace, debug, info, warn or error"));
        int limit = exchange.queryInt("limit", 100, 1, RecentLog.process().capacity());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recording", RecentLog.process().recording());
        body.put("capacity", RecentLog.process().capacity());
        body.put("records", RecentLog.process().tail(level, limit).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at().toString());
            m.put("level", e.level().name().toLowerCase(Locale.ROOT));
            m.put("logger", e.logger());
            m.put("thread", e.thread());
            m.put("message", e.message());
            m.put("throwable", e.throwable());
            return m;
        }).toList());
        exchange.json(200, body);
    }

    private static void openapi(WebExchange exchange) throws IOException {
        try (InputStream in = AdminRoutes.class.getResourceAsStream("/dev/tern/app/web/openapi.yaml")) {
            if (in == null) throw HttpError.notFound("no OpenAPI document");
            exchange.send(200, "application/yaml", in.readAllBytes());
        }
    }

}
