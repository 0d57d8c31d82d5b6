package dev.tern.app.web.admin;

import dev.tern.app.web.HttpError;
import dev.tern.app.web.WebExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * A stored message as the console shows it, parsed with mime4j: its main headers, its first text/plain and
 * text/html parts and its attachments (the other leaf parts). The HTML is never put into a console page: it is
 * served alone from its own endpoint, sanitised ({@link SafeHtml}), under a sandboxing CSP. Capture mode's API
 * uses it too (CaptureRoutes).
 */
public record MessageView(String from, String to, String cc, String subject, String date,
                          List<Map<String, String>> headers, String text, String html, List<Attachment> attachments) {
    /** A leaf part that is neither the text nor the HTML body. */
    public record Attachment(String filename, String contentType, byte[] content) {}

    private static final long MAX_PART = 16L * 1024 * 1024;

    /**
     * Sends attachment number {@code n} (as the path says it) for download: always as
     * {@code application/octet-stream}, never as the part's own type (an HTML "attachment" must not run in this
     * origin), its name made safe for {@code Content-Disposition} (RFC 6266; {@code filename*} as RFC 8187).
     */
    public static void download(WebExchange exchange, List<Attachment> attachments, String n) throws IOException {
        int index;
        try {
            index = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw HttpError.notFound("no such attachment");
        }
        if (index < 0 || index >= attachments.size()) throw HttpError.notFound("no such attachment");
        Attachment a = attachments.get(index);
        String safe = a.filename().replaceAll("[^A-Za-z0-9._ -]", "_");
        exchange.header("Content-Disposition", "attachment; filename=\"" + safe + "\"; filename*=UTF-8''"
                + URLEncoder.encode(a.filename(), StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A"));
        exchange.send(200, "application/octet-stream", a.content());
    }

    /**
     * Sends {@code html} (a message's HTML part) alone, for an {@code <iframe sandbox>}: its CSP also sandboxes it
     * (no scripts, no same origin) and allows no remote resource, only inline styles and data: images.
     */
    public static void sendIsolatedHtml(WebExchange exchange, String html) throws IOException {
        exchange.header("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
        exchange.header("X-Frame-Options", "SAMEORIGIN");
        exchange.html(200, html);
    }

    private static DefaultMessageBuilder builder() {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        return builder;
    }

    /** The From, Subject and Date of a message, reading its header section only; closes {@code content}. */
    public static MessageView headersOf(InputStream content) throws IOException {
        try (InputStream in = content) {
            Message message = builder().parseMessage(new HeaderOnly(in));
            return new MessageView(addresses(message.getFrom()), addresses(message.getTo()),
                    addresses(message.getCc()), nz(message.getSubject()),
                    message.getDate() == null ? "" : message.getDate().toInstant().toString(), List.of(), "", "", List.of());
        }
    }

    /** The whole message, with its parts; closes {@code content}. */
    public static MessageView read(InputStream content) throws IOException {
        try (InputStream in = content) {
            Message message = builder().parseMessage(in);
            List<Map<String, String>> headers = new ArrayList<>();
            for (Field field : message.getHeader().getFields()) {
                headers.add(Map.of("name", field.getName(), "value", nz(field.getBody())));
            }
            Parts parts = new Parts();
            walk(message, parts);
            return new MessageView(addresses(message.getFrom()), addresses(message.getTo()),
                    addresses(message.getCc()), nz(message.getSubject()),
                    message.getDate() == null ? "" : message.getDate().toInstant().toString(), headers,
                    parts.text, parts.html, parts.attachments);
        }
    }

    Map<String, Object> json(long uid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uid", uid);
        m.put("from", from);
        m.put("to", to);
        m.put("cc", cc);
        m.put("subject", subject);
        m.put("date", date);
        m.put("headers", headers);
        m.put("text", text);
        m.put("has_html", !html.isEmpty());
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < attachments.size(); i++) {
            Attachment a = attachments.get(i);
            list.add(Map.of("index", i, "filename", a.filename(), "content_type", a.contentType(), "size", a.content().length));
        }
        m.put("attachments", list);
        return m;
    }

    private static final class Parts {
        String text = "";
        String html = "";
        final List<Attachment> attachments = new ArrayList<>();
    }

    private static void walk(Entity entity, Parts parts) throws IOException {
        Body body = entity.getBody();
        if (body instanceof Multipart multipart) {
            for (Entity child : multipart.getBodyParts()) walk(child, parts);
            return;
        }
        if (body instanceof Message inner) {
            walk(inner, parts);
            return;
        }
        String type = entity.getMimeType().toLowerCase(java.util.Locale.ROOT);
        boolean attachment = "attachment".equalsIgnoreCase(entity.getDispositionType()) || entity.getFilename() != null;
        if (!attachment && body instanceof TextBody textBody && type.equals("text/plain") && parts.text.isEmpty()) {
            parts.text = text(textBody, entity.getCharset());
        } else if (!attachment && body instanceof TextBody textBody && type.equals("text/html") && parts.html.isEmpty()) {
            parts.html = text(textBody, entity.getCharset());
        } else if (body instanceof SingleBody single) {
            try (InputStream in = single.getInputStream()) {
                byte[] content = in.readNBytes((int) MAX_PART);
                String name = entity.getFilename() == null ? "part-" + parts.attachments.size() : entity.getFilename();
                parts.attachments.add(new Attachment(name, type, content));
            }
        }
    }

    private static String text(TextBody body, String charset) throws IOException {
        Charset cs;
        try {
            cs = charset == null ? StandardCharsets.US_ASCII : Charset.forName(charset);
        } catch (RuntimeException e) {
            cs = StandardCharsets.UTF_8;
        }
        try (InputStream in = body.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(cs);
        }
    }

    private static String addresses(org.apache.james.mime4j.dom.address.MailboxList list) {
        if (list == null) return "";
        return String.join(", ", list.stream().map(Mailbox::getAddress).toList());
    }

    private static String addresses(org.apache.james.mime4j.dom.address.AddressList list) {
        if (list == null) return "";
        return String.join(", ", list.flatten().stream().map(Mailbox::getAddress).toList());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The header section of a message: stops at the first empty line, so a listing never reads bodies. */
    private static final class HeaderOnly extends InputStream {
        private final InputStream in;
        private int last1 = -1;
        private int last2 = -1;
        private boolean done;

        HeaderOnly(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) return -1;
            int c = in.read();
            if (c < 0) return -1;
            if (c == '\n' && (last1 == '\n' || (last1 == '\r' && last2 == '\n'))) done = true;
            last2 = last1;
            last1 = c;
            return c;
        }
    }
}
