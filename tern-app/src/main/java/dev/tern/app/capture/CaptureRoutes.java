package dev.tern.app.capture;

import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.admin.MessageView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capture API (docs/capture.md), present only in capture mode: list (newest first, {@code q} searches as
 * {@link CaptureSearch} says), fetch with the parsed fields, raw bytes, HTML part, attachments, delete one or all. No login: capture mode is a developer's tool on loopback.
 */
public final class CaptureRoutes {
    private CaptureRoutes() {}

    public static void register(Router router, WebContext context) throws java.io.IOException {
        CaptureStore store = context.capture();
        if (store == null) return;
        String html;
        try (var in = CaptureRoutes.class.getResourceAsStream("capture.html")) {
            html = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        // The live page: lists the messages and reloads the list on each server-sent event.
        router.get("/capture", ex -> ex.html(200, html));
        router.get("/api/v1/capture/messages", ex -> {
            String q = ex.query("q").orElse("");
            if (q.length() > CaptureSearch.MAX_QUERY) {
                throw HttpError.badField("q", "q is longer than " + CaptureSearch.MAX_QUERY + " characters");
            }
            CaptureSearch search = CaptureSearch.parse(q);
            int offset = ex.queryInt("offset", 0, 0, Integer.MAX_VALUE);
            int limit = ex.queryInt("limit", 50, 1, 1000);
            List<CaptureStore.Captured> all = store.list().stream()
                    .filter(c -> search.matches(c, () -> text(store, c))).toList();
            var page = all.stream().skip(offset).limit(limit).toList();
            ex.json(200, Map.of("total", all.size(), "offset", offset, "messages", page));
        });
        router.get("/api/v1/capture/messages/{id}", ex -> {
            var c = found(store, ex.parameter("id"));
            ex.json(200, detail(c, store.view(c.id())));
        });
        router.get("/api/v1/capture/messages/{id}/raw", ex -> {
            var c = found(store, ex.parameter("id"));
            ex.send(200, "message/rfc822", store.bytes(c.id()));
        });
        router.get("/api/v1/capture/messages/{id}/html", ex -> {
            var c = found(store, ex.parameter("id"));
            MessageView view = store.view(c.id());
            if (view.html().isEmpty()) throw HttpError.notFound("the message has no HTML part");
            // As the console's: for an <iframe sandbox>, no scripts, no same origin, no remote resources.
            MessageView.sendIsolatedHtml(ex, view.html());
        });
        router.get("/api/v1/capture/messages/{id}/attachments/{n}", ex -> {
            var c = found(store, ex.parameter("id"));
            MessageView.download(ex, store.view(c.id()).attachments(), ex.parameter("n"));
        });
        router.delete("/api/v1/capture/messages/{id}", ex -> {
            if (!store.delete(ex.parameter("id"))) throw HttpError.notFound("no captured message with this id");
            ex.empty(204);
        });
        router.get("/api/v1/capture/events", ex -> events(store, ex));
        router.delete("/api/v1/capture/messages", ex -> ex.json(200, Map.of("deleted", store.deleteAll())));
    }

    /**
     * Server-sent events: one {@code data:} line (the envelope as JSON) per message kept from now on, and a comment
     * line every 15 s so a client that went away is noticed (the write fails and the stream ends).
     */
    private static void events(CaptureStore store, dev.tern.app.web.WebExchange ex) throws java.io.IOException {
        var queue = new java.util.concurrent.LinkedBlockingQueue<CaptureStore.Captured>(1000);
        java.util.function.Consumer<CaptureStore.Captured> listener = queue::offer;
        store.addListener(listener);
        ex.markAnswered();
        var http = ex.raw();
        http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        http.getResponseHeaders().set("Cache-Control", "no-store");
        http.sendResponseHeaders(200, 0);
        try (var out = http.getResponseBody()) {
            out.write(": capture events\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                CaptureStore.Captured c = queue.poll(15, java.util.concurrent.TimeUnit.SECONDS);
                byte[] line = c == null ? ": ping\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : ("event: message\ndata: " + new String(dev.tern.app.web.Json.write(c),
                        java.nio.charset.StandardCharsets.UTF_8) + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(line);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            // the client went away: the stream ends
        } finally {
            store.removeListener(listener);
        }
    }

    /**
     * One message: its envelope as listed, and under {@code message} what its header and parts say, parsed with
     * mime4j as the console does ({@link MessageView}); each attachment with its download path.
     */
    static Map<String, Object> detail(CaptureStore.Captured c, MessageView view) {
        Map<String, Object> parsed = new LinkedHashMap<>();
        parsed.put("from", view.from());
        parsed.put("to", view.to());
        parsed.put("cc", view.cc());
        parsed.put("subject", view.subject());
        parsed.put("date", view.date());
        parsed.put("headers", view.headers());
        parsed.put("text", view.text());
        parsed.put("html", view.html());
        List<Map<String, Object>> attachments = new ArrayList<>();
        for (int i = 0; i < view.attachments().size(); i++) {
            MessageView.Attachment a = view.attachments().get(i);
            attachments.add(Map.of("index", i, "filename", a.filename(), "content_type", a.contentType(),
                    "size", a.content().length, "href", "/api/v1/capture/messages/" + c.id() + "/attachments/" + i));
        }
        parsed.put("attachments", attachments);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", c.id());
        answer.put("from", c.from());
        answer.put("to", c.to());
        answer.put("received", c.received());
        answer.put("size", c.size());
        answer.put("subject", c.subject());
        answer.put("message", parsed);
        return answer;
    }

    /** The text a plain search word looks in: the text/plain and text/html parts; empty if unreadable. */
    private static String text(CaptureStore store, CaptureStore.Captured c) {
        try {
            MessageView view = store.view(c.id());
            return view.text() + "\n" + view.html();
        } catch (IOException e) {
            return ""; // deleted meanwhile, or unreadable: it cannot match on its text
        }
    }

    private static CaptureStore.Captured found(CaptureStore store, String id) {
        return store.get(id).orElseThrow(() -> HttpError.notFound("no captured message with this id"));
    }
}
