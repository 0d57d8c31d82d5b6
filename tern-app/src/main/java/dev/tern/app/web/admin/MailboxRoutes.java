package dev.tern.app.web.admin;

import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebExchange;
import dev.tern.mail.Mailbox;
import dev.tern.store.Folder;
import dev.tern.store.Folders;
import dev.tern.store.MessageMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mailboxes in the admin REST API: a user's folders, a page of a folder, a message (view, sanitised HTML, raw,
 * attachments) and deleting a message. It reads and changes mail only through the store SPI ({@link Folders},
 * {@link Folder}), as IMAP does: {@code uid} is the message's IMAP UID, and a delete is the folder's
 * {@link Folder#expunge} transaction, durable when it returns and seen at once by open IMAP sessions.
 */
final class MailboxRoutes {
    private static final String MESSAGE = "/api/v1/mailboxes/{user}/{folder}/messages/{uid}";

    private final WebContext context;
    private final AdminAuth auth;

    private MailboxRoutes(WebContext context, AdminAuth auth) {
        this.context = context;
        this.auth = auth;
    }

    static void register(Router router, WebContext context, AdminAuth auth) {
        MailboxRoutes routes = new MailboxRoutes(context, auth);
        router.get("/api/v1/mailboxes/{user}", routes::folders);
        router.get("/api/v1/mailboxes/{user}/{folder}/messages", routes::messages);
        router.get(MESSAGE, routes::message);
        router.delete(MESSAGE, routes::delete);
        router.get(MESSAGE + "/raw", routes::raw);
        router.get(MESSAGE + "/html", routes::html);
        router.get(MESSAGE + "/attachments/{n}", routes::attachment);
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

    private Folder folder(WebExchange exchange) throws IOException {
        Folders folders = context.store().folders(mailbox(exchange));
        return folders.open(exchange.parameter("folder")).orElseThrow(() -> HttpError.notFound("no such folder"));
    }

    private static long uid(WebExchange exchange) {
        try {
            long uid = Long.parseLong(exchange.parameter("uid"));
            if (uid >= 1 && uid <= 0xFFFF_FFFFL) return uid;
        } catch (NumberFormatException e) {
            // not a number: no such message, as below
        }
        throw HttpError.notFound("no such message");
    }

    private static InputStream content(Folder folder, long uid) throws IOException {
        return folder.content(uid).orElseThrow(() -> HttpError.notFound("no such message"));
    }

    private void folders(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        Mailbox mailbox = mailbox(exchange);
        exchange.json(200, Map.of("user", mailbox.toString(), "folders", context.store().folders(mailbox).list().stream()
                .map(f -> Map.of("name", f.name(), "special_use", f.use().map(Object::toString).orElse(""),
                        "subscribed", f.subscribed()))
                .toList()));
    }

    /** One page of a folder, newest first; only the messages on the page are opened (their header section). */
    private void messages(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        Folder folder = folder(exchange);
        int offset = exchange.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        int limit = exchange.queryInt("limit", 50, 1, 500);
        List<MessageMeta> all = folder.snapshot().messages();
        List<Map<String, Object>> page = new ArrayList<>();
        for (int i = offset; i < Math.min(all.size(), (long) offset + limit); i++) {
            MessageMeta meta = all.get(all.size() - 1 - i);
            var content = folder.content(meta.uid());
            if (content.isEmpty()) continue; // expunged since the snapshot
            MessageView view = MessageView.headersOf(content.get());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("uid", meta.uid());
            row.put("from", view.from());
            row.put("subject", view.subject());
            row.put("date", view.date());
            row.put("received", meta.internalDate().toString());
            row.put("size", meta.size());
            row.put("seen", meta.has("\\Seen"));
            row.put("flags", meta.flags().stream().sorted().toList());
            page.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("folder", folder.name());
        body.put("total", all.size());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("messages", page);
        exchange.json(200, body);
    }

    private void message(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        long uid = uid(exchange);
        MessageView view = MessageView.read(content(folder(exchange), uid));
        Map<String, Object> body = view.json(uid);
        body.put("remote_images_blocked", view.html().isEmpty() ? 0 : SafeHtml.remoteImages(view.html()));
        exchange.json(200, body);
    }

    /** Expunges the message, as IMAP's EXPUNGE and POP3's DELE do: one durable index transaction. */
    private void delete(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        long uid = uid(exchange);
        if (folder(exchange).expunge(List.of(uid)).isEmpty()) throw HttpError.notFound("no such message");
        exchange.empty(204);
    }

    private void raw(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        try (InputStream in = content(folder(exchange), uid(exchange))) {
            exchange.header("Content-Disposition", "attachment; filename=\"message.eml\"");
            exchange.send(200, "message/rfc822", in.readAllBytes());
        }
    }

    /**
     * The HTML part, sanitised ({@link SafeHtml}), for an {@code <iframe sandbox>}, under the sandboxing CSP of
     * {@link MessageView#sendIsolatedHtml}.
     */
    private void html(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        MessageView view = MessageView.read(content(folder(exchange), uid(exchange)));
        if (view.html().isEmpty()) throw HttpError.notFound("the message has no HTML part");
        MessageView.sendIsolatedHtml(exchange, SafeHtml.clean(view.html()));
    }

    private void attachment(WebExchange exchange) throws IOException {
        auth.requireAdmin(exchange);
        MessageView.download(exchange, MessageView.read(content(folder(exchange), uid(exchange))).attachments(),
                exchange.parameter("n"));
    }
}
