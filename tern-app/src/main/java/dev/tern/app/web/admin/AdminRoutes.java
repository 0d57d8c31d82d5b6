package dev.tern.app.web.admin;

import dev.tern.app.control.QueueEntry;
import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebExchange;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState;
import dev.tern.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin REST API under {@code /api/v1} that the console uses and scripts may call: the session, the queue
 * (paged and searched), and reading the mailboxes. Every route but the login requires an admin
 * ({@link AdminAuth#requireAdmin}).
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
        router.get("/api/v1/mailboxes/{user}", routes::folders);
        router.get("/api/v1/mailboxes/{user}/{folder}/messages", routes::messages);
        router.get("/api/v1/mailboxes/{user}/{folder}/messages/{uid}", routes::message);
        router.get("/api/v1/mailboxes/{user}/{folder}/messages/{uid}/raw", routes::raw);
        router.get("/api/v1/mailboxes/{user}/{folder}/messages/{uid}/html", routes::html);
        router.get("/api/v1/mailboxes/{user}/{folder}/messages/{uid}/attachments/{n}", routes::attachment);
        router.get("/api/v1/accounts", routes::accounts);
        router.get("/api/v1/dkim", routes::dkim);
        router.get("/api/v1/health", routes::health);
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

    private Mailbox mailbox(WebExchange exchange) {
        try {
            Mailbox mailbox = Mailbox.parse(exchange.parameter("user"));
            if (context.accounts().find(mailbox.toString()).isEmpty() && !Files.isDirectory(context.store().directory(mailbox))) {
                throw HttpError.notFound("no such mailbox");
            }
            return mailbox;
        } catch (IllegalArgumentException e) {
            throw HttpError.notFound("no such mailbox");
        }
    }

    private List<StoredMessage> folder(WebExchange exchange) throws IOException {
        Mailbox mailbox = mailbox(exchange);
        if (!exchange.parameter("folder").equals("INBOX")) throw HttpError.notFound("no such folder");
        return context.store().list(mailbox);
    }

    private StoredMessage stored(WebExchange exchange) throws IOException {
        String uid = exchange.parameter("uid");
        return folder(exchange).stream().filter(m -> m.uniqueName().equals(uid)).findFirst()
                .orElseThrow(() -> HttpError.notFound("no such message"));
    }

    /** The mailbox's folders; the message routes read INBOX only for now. */
    private void folders(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        Mailbox mailbox = mailbox(exchange);
        exchange.json(200, Map.of("user", mailbox.toString(), "folders", context.store().folders(mailbox).list().stream()
                .map(f -> Map.of("name", f.name(), "special_use", f.use().map(Object::toString).orElse(""),
                        "subscribed", f.subscribed()))
                .toList()));
    }

    private void messages(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        List<StoredMessage> all = folder(exchange);
        int offset = exchange.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        int limit = exchange.queryInt("limit", 50, 1, 500);
        List<Map<String, Object>> page = new ArrayList<>();
        for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
            StoredMessage m = all.get(i);
            MessageView view = MessageView.headersOf(m.path());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("uid", m.uniqueName());
            row.put("from", view.from());
            row.put("subject", view.subject());
            row.put("date", view.date());
            row.put("size", Files.size(m.path()));
            row.put("seen", m.flags().contains("S"));
            page.add(row);
        }
        exchange.json(200, Map.of("total", all.size(), "offset", offset, "limit", limit, "messages", page));
    }

    private void message(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        StoredMessage m = stored(exchange);
        exchange.json(200, MessageView.read(m.path()).json(m.uniqueName()));
    }

    private void raw(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        StoredMessage m = stored(exchange);
        try (InputStream in = Files.newInputStream(m.path())) {
            exchange.header("Content-Disposition", "attachment; filename=\"message.eml\"");
            exchange.send(200, "message/rfc822", in.readAllBytes());
        }
    }

    /**
     * The HTML part alone, for an {@code <iframe sandbox>}: its CSP sandboxes it (no scripts, no same origin) and
     * allows no remote resource, only inline styles and data: images. Nothing is rewritten: with no HTML parser
     * among the dependencies the defence is this CSP and the sandbox, not a sanitiser.
     */
    private void html(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        StoredMessage m = stored(exchange);
        MessageView view = MessageView.read(m.path());
        if (view.html().isEmpty()) throw HttpError.notFound("the message has no HTML part");
        exchange.header("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
        exchange.header("X-Frame-Options", "SAMEORIGIN");
        exchange.html(200, view.html());
    }

    private void attachment(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        StoredMessage m = stored(exchange);
        List<MessageView.Attachment> attachments = MessageView.read(m.path()).attachments();
        int n;
        try {
            n = Integer.parseInt(exchange.parameter("n"));
        } catch (NumberFormatException e) {
            throw HttpError.notFound("no such attachment");
        }
        if (n < 0 || n >= attachments.size()) throw HttpError.notFound("no such attachment");
        MessageView.Attachment a = attachments.get(n);
        String safe = a.filename().replaceAll("[^A-Za-z0-9._ -]", "_");
        exchange.header("Content-Disposition", "attachment; filename=\"" + safe + "\"; filename*=UTF-8''"
                + java.net.URLEncoder.encode(a.filename(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        exchange.send(200, "application/octet-stream", a.content());
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

    private static void openapi(WebExchange exchange) throws IOException {
        try (InputStream in = AdminRoutes.class.getResourceAsStream("/dev/tern/app/web/openapi.yaml")) {
            if (in == null) throw HttpError.notFound("no OpenAPI document");
            exchange.send(200, "application/yaml", in.readAllBytes());
        }
    }

}
