package dev.tern.app.web.api;

import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebExchange;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.SpoolFullException;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/messages}: an application submits a message as JSON, authenticated by an API key
 * ({@code Authorization: Bearer tern_...}). The message is composed with Angus Mail, committed to the spool the
 * way SMTP commits it (the answer 201 follows the spool's fsync), and delivered by the queue runner.
 */
public final class MessageRoutes {
    private static final Logger log = LoggerFactory.getLogger(MessageRoutes.class);
    /** Header fields the request's {@code headers} may not set: the API composes them itself. */
    private static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "subject", "sender", "mime-version",
            "content-type", "content-transfer-encoding", "received", "return-path");

    /** The JSON body of a submission. */
    public record Attachment(String filename, String contentType, String content) {}

    public record Submission(String from, List<String> to, List<String> cc, List<String> bcc, String subject,
                             String text, String html, List<Attachment> attachments, Map<String, String> headers) {
        public Submission {
            to = to == null ? List.of() : to;
            cc = cc == null ? List.of() : cc;
            bcc = bcc == null ? List.of() : bcc;
            attachments = attachments == null ? List.of() : attachments;
            headers = headers == null ? Map.of() : headers;
        }
    }

    private final WebContext context;
    private final ApiKeys keys;
    private final Session session = Session.getInstance(new Properties());
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[64];

    private final IdempotencyLog idempotency;

    private MessageRoutes(WebContext context) throws IOException {
        this.context = context;
        this.keys = new ApiKeys(context.config().dataDirectory());
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
        this.idempotency = new IdempotencyLog(context.config().dataDirectory(), context.clock());
    }

    public static void register(Router router, WebContext context) throws IOException {
        MessageRoutes routes = new MessageRoutes(context);
        router.post("/api/v1/messages", routes::submit);
    }

    private void submit(WebExchange exchange) throws IOException {
        ApiKeys.Key key = authenticate(exchange);
        String type = exchange.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        boolean raw = type.startsWith("message/rfc822");
        if (!raw && !type.startsWith("application/json")) {
            throw new HttpError(415, "unsupported_media_type", "expected Content-Type: application/json or message/rfc822");
        }
        byte[] body = exchange.body();
        List<String> envelopeFrom = exchange.queryParameters().getOrDefault("from", List.of());
        List<String> envelopeTo = exchange.queryParameters().getOrDefault("to", List.of());
        Optional<String> idempotencyKey = exchange.header("Idempotency-Key");
        if (idempotencyKey.isEmpty()) {
            exchange.json(201, raw ? queueRaw(key, body, envelopeFrom, envelopeTo) : queue(key, body));
            return;
        }
        String idKey = IdempotencyLog.hash(idempotencyKey.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // The query (envelope) belongs to the request too: a retry must repeat it.
        String bodyHash = IdempotencyLog.hash((type + "\n" + envelopeFrom + "\n" + envelopeTo + "\n"
                + IdempotencyLog.hash(body)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // One request at a time per idempotency key, so two concurrent retries cannot both queue.
        Object lock = locks[Math.floorMod((key.name() + "\t" + idKey).hashCode(), locks.length)];
        synchronized (lock) {
            Optional<IdempotencyLog.Entry> earlier = idempotency.find(key.name(), idKey);
            if (earlier.isPresent()) {
                if (!earlier.get().bodyHash().equals(bodyHash)) {
                    throw new HttpError(422, "idempotency_mismatch",
                            "this Idempotency-Key was used with a different request body");
                }
                exchange.header("Idempotent-Replayed", "true");
                exchange.send(201, "application/json", earlier.get().answer().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            byte[] answer = dev.tern.app.web.Json.write(raw ? queueRaw(key, body, envelopeFrom, envelopeTo) : queue(key, body));
            idempotency.add(key.name(), idKey, bodyHash, new String(answer, java.nio.charset.StandardCharsets.UTF_8));
            exchange.send(201, "application/json", answer);
        }
    }

    /** Validates, composes and commits one message; returns the answer once the spool has fsynced it. */
    private Map<String, Object> queue(ApiKeys.Key key, byte[] body) throws IOException {
        long limit = context.config().session().maxMessageSize();
        Submission request = dev.tern.app.web.Json.read(body, Submission.class);
        if (request == null) throw HttpError.badRequest("the body is not a JSON object");
        InternetAddress from = address("from", request.from());
        if (!key.allows(from.getAddress())) {
            throw new HttpError(403, "forbidden_sender", "this API key may not send as " + from.getAddress());
        }
        List<InternetAddress> to = addresses("to", request.to());
        List<InternetAddress> cc = addresses("cc", request.cc());
        List<InternetAddress> bcc = addresses("bcc", request.bcc());
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) throw HttpError.badField("to", "at least one recipient is required");
        byte[] content = compose(request, from, to, cc);
        if (content.length > limit) throw HttpError.tooLarge("the message is larger than " + limit + " bytes");
        return commit(key, content, from, to, cc, bcc);
    }

    /**
     * A whole RFC 5322 message: the envelope sender is {@code ?from=} or the From: field, the recipients
     * {@code ?to=} (repeated) or the To:, Cc: and Bcc: fields; Bcc: is removed before it is stored.
     */
    private Map<String, Object> queueRaw(ApiKeys.Key key, byte[] body, List<String> envelopeFrom,
                                         List<String> envelopeTo) throws IOException {
        long limit = context.config().session().maxMessageSize();
        if (body.length > limit) throw HttpError.tooLarge("the message is larger than " + limit + " bytes");
        if (envelopeFrom.size() > 1) throw HttpError.badField("from", "give at most one from");
        try {
            MimeMessage message = new MimeMessage(session, new java.io.ByteArrayInputStream(body));
            InternetAddress from;
            if (!envelopeFrom.isEmpty()) {
                from = address("from", envelopeFrom.getFirst());
            } else {
                String[] fields = message.getHeader("From");
                if (fields == null || fields.length != 1) throw HttpError.badField("from", "the message needs one From: or ?from=");
                from = address("from", fields[0]);
            }
            if (!key.allows(from.getAddress())) {
                throw new HttpError(403, "forbidden_sender", "this API key may not send as " + from.getAddress());
            }
            List<InternetAddress> to = new ArrayList<>();
            if (!envelopeTo.isEmpty()) {
                to = addresses("to", envelopeTo);
            } else {
                for (String field : List.of("To", "Cc", "Bcc")) {
                    String[] values = message.getHeader(field);
                    if (values == null) continue;
                    for (String value : values) {
                        try {
                            for (InternetAddress a : InternetAddress.parseHeader(value, true)) to.add(address("to", a.toString()));
                        } catch (AddressException e) {
                            throw HttpError.badField("to", "the " + field + ": field is not a list of addresses");
                        }
                    }
                }
            }
            if (to.isEmpty()) throw HttpError.badField("to", "at least one recipient is required");
            message.removeHeader("Bcc");
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
            message.writeTo(new org.eclipse.angus.mail.util.CRLFOutputStream(out));
            return commit(key, out.toByteArray(), from, to, List.of(), List.of());
        } catch (MessagingException e) {
            throw HttpError.badRequest("the message cannot be read: " + e.getMessage());
        }
    }

    private Map<String, Object> commit(ApiKeys.Key key, byte[] content, InternetAddress from, List<InternetAddress> to,
                                       List<InternetAddress> cc, List<InternetAddress> bcc) throws IOException {
        long wait = buckets.computeIfAbsent(key.name(), n -> new TokenBucket(key.rate())).take(key.rate());
        if (wait > 0) throw HttpError.rateLimited("the key's rate of " + key.rate() + " messages a minute is used up", wait);
        List<Recipient> recipients = new ArrayList<>();
        for (String field : List.of("to", "cc", "bcc")) {
            List<InternetAddress> list = field.equals("to") ? to : field.equals("cc") ? cc : bcc;
            for (InternetAddress a : list) {
                Recipient r = Recipient.of(mailbox(field, a));
                if (!recipients.contains(r)) recipients.add(r);
            }
        }
        Envelope envelope = new Envelope(new ReversePath.Sender(mailbox("from", from)), recipients, MailOptions.NONE);
        String id;
        try (MessageWriter writer = context.spool().begin()) {
            writer.write(content, 0, content.length);
            writer.commit(envelope);
            id = writer.id().toString();
        } catch (SpoolFullException e) {
            log.warn("api key={} spool full: {}", key.name(), e.getMessage());
            throw HttpError.unavailable("the server's disk is full; try again later", 60);
        }
        log.info("api key={} queued id={} from={} rcpts={} size={}", key.name(), id, from.getAddress(),
                recipients.size(), content.length);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("recipients", recipients.size());
        return answer;
    }

    private ApiKeys.Key authenticate(WebExchange exchange) throws IOException {
        String header = exchange.header("Authorization").orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            exchange.header("WWW-Authenticate", "Bearer");
            throw HttpError.unauthorized("an API key is required: Authorization: Bearer <key>");
        }
        Optional<ApiKeys.Key> key = keys.authenticate(header.substring(7).trim());
        if (key.isEmpty()) {
            exchange.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw HttpError.unauthorized("the API key is not known");
        }
        return key.get();
    }

    private byte[] compose(Submission request, InternetAddress from, List<InternetAddress> to,
                           List<InternetAddress> cc) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            if (!to.isEmpty()) message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            if (!cc.isEmpty()) message.setRecipients(Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
            if (request.subject() != null) message.setSubject(request.subject(), "UTF-8");
            for (var header : request.headers().entrySet()) {
                String name = header.getKey();
                if (!name.matches("[!-9;-~]{1,76}") || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                    throw HttpError.badField("headers", "the header " + name + " may not be set here");
                }
                String value = header.getValue() == null ? "" : header.getValue();
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw HttpError.badField("headers", "the header " + name + " has a line break");
                }
                message.setHeader(name, value);
            }
            if (request.attachments().isEmpty()) {
                setBody(message, request);
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                MimeBodyPart body = new MimeBodyPart();
                setBody(body, request);
                mixed.addBodyPart(body);
                for (int i = 0; i < request.attachments().size(); i++) mixed.addBodyPart(attachment(i, request.attachments().get(i)));
                message.setContent(mixed);
            }
            message.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
            message.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw HttpError.badRequest("the message cannot be composed: " + e.getMessage());
        }
    }

    /** The text, the HTML or both (as multipart/alternative) into {@code part}: the message itself or its first part. */
    private static void setBody(jakarta.mail.internet.MimePart part, Submission request) throws MessagingException {
        if (request.html() != null && request.text() != null) {
            part.setContent(alternative(request));
        } else if (request.html() != null) {
            part.setText(request.html(), "UTF-8", "html");
        } else {
            part.setText(request.text() == null ? "" : request.text(), "UTF-8");
        }
    }

    private static MimeMultipart alternative(Submission request) throws MessagingException {
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(request.text(), "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(request.html(), "UTF-8", "html");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        return alternative;
    }

    private static MimeBodyPart attachment(int index, Attachment a) throws MessagingException {
        String field = "attachments[" + index + "]";
        if (a == null || a.filename() == null || a.filename().isBlank()) throw HttpError.badField(field + ".filename", "a filename is required");
        if (a.content() == null) throw HttpError.badField(field + ".content", "the content (base64) is required");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(a.content().replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw HttpError.badField(field + ".content", "the content is not base64");
        }
        String type = a.contentType() == null ? "application/octet-stream" : a.contentType();
        try {
            new jakarta.mail.internet.ContentType(type);
        } catch (jakarta.mail.internet.ParseException e) {
            throw HttpError.badField(field + ".contentType", "not a media type: " + type);
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
        part.setFileName(a.filename());
        part.setDisposition(MimeBodyPart.ATTACHMENT);
        return part;
    }

    private static InternetAddress address(String field, String text) {
        if (text == null || text.isBlank()) throw HttpError.badField(field, field + " is required");
        try {
            InternetAddress address = new InternetAddress(text, true);
            if (address.isGroup() || address.getAddress() == null || address.getAddress().lastIndexOf('@') < 1) {
                throw HttpError.badField(field, "not a mail address: " + text);
            }
            mailbox(field, address);
            return address;
        } catch (AddressException e) {
            throw HttpError.badField(field, "not a mail address: " + text);
        }
    }

    private static List<InternetAddress> addresses(String field, List<String> texts) {
        List<InternetAddress> result = new ArrayList<>();
        for (String text : texts) result.add(address(field, text));
        return result;
    }

    private static Mailbox mailbox(String field, InternetAddress address) {
        try {
            return Mailbox.parse(address.getAddress());
        } catch (IllegalArgumentException e) {
            throw HttpError.badField(field, "not a mail address: " + address.getAddress());
        }
    }

    /** A token bucket of {@code rate} messages a minute, holding at most {@code rate}. */
    private static final class TokenBucket {
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(int rate) {
            this.tokens = rate;
        }

        /** Takes a token and returns 0, or returns the whole seconds until one is there. */
        synchronized long take(int rate) {
            long now = System.nanoTime();
            double perNano = rate / 60e9;
            tokens = Math.min(rate, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano / 1e9);
        }
    }
}
