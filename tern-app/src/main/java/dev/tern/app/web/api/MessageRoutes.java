package dev.tern.app.web.api;

import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebExchange;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.server.LocalSubmission;
import dev.tern.smtp.ContentStage;
import dev.tern.smtp.Reply;
import dev.tern.spool.SpooledMessage;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/v1/messages}: an application submits a message as JSON, authenticated by an API key
 * ({@code Authorization: Bearer tern_...}). The message is written by the {@link MessageComposer} (or, raw, read
 * with Angus Mail), goes through the SMTP submission's content stage ({@link LocalSubmission}: our Received:,
 * Date: and Message-ID: when missing, DKIM signing, the milters) into the spool (the answer 201 follows the
 * spool's fsync, shared with concurrent commits), and is delivered by the queue runner.
 */
public final class MessageRoutes {

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
    private final LocalSubmission submission;
    private final Session session = Session.getInstance(new Properties());
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[64];

    private final IdempotencyLog idempotency;
    /**
     * KiB of request bodies held at once. A body is read whole, and a message costs a few times its size again while
     * it is composed and stored: unbounded, a key posting large bodies on many connections (up to the listener's
     * 1024) could fill the heap of the whole server, its SMTP listeners too. A request waits a little for its share,
     * then is a 503.
     */
    private final Semaphore bodies;
    private final long maxRequest;
    /** How long a request waits for its share of {@link #bodies} before its 503. */
    static final long BODY_WAIT_SECONDS = 5;

    private MessageRoutes(WebContext context) throws IOException {
        this.context = context;
        this.keys = new ApiKeys(context.config().dataDirectory());
        this.submission = new LocalSubmission(context.spool(), context.config().session().hostname(),
                context.config().server().maxHeaderSize(), context.config().session().maxReceivedHeaders(),
                context.inspector());
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
        this.idempotency = new IdempotencyLog(context.config().dataDirectory(), context.clock());
        // What a crash left between the steps: each pending entry resolved against the spool, each committed one's
        // hold released, before any request is taken.
        for (IdempotencyLog.Entry e : idempotency.unfinished()) {
            try {
                settle(e);
            } catch (IOException | RuntimeException failure) {
                // A retry of that request resolves it again; its message stays held meanwhile, nothing is lost.
                LOG.warn("idempotency entry id={} not resolved at start: {}", e.id(), failure.toString());
            }
        }
        this.maxRequest = context.config().web().maxRequest();
        this.bodies = new Semaphore(kib(bodyBudget(maxRequest, Runtime.getRuntime().maxMemory())), true);
    }

    /** Octets of bodies held at once: 16 of the largest, at most an eighth of the heap, and always one whole. */
    static long bodyBudget(long maxRequest, long heap) {
        return Math.max(maxRequest, Math.min(16 * maxRequest, heap / 8));
    }

    private static int kib(long octets) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (octets + 1023) / 1024));
    }

    public static void register(Router router, WebContext context) throws IOException {
        MessageRoutes routes = new MessageRoutes(context);
        router.closing(routes.idempotency);
        router.post("/api/v1/messages", routes::submit);
    }

    private void submit(WebExchange exchange) throws IOException {
        ApiKeys.Key key = authenticate(exchange);
        // The share of a body: its declared length (a longer one is a 413 at once, and drained, not held), or the
        // whole limit when it is chunked.
        long declared;
        try {
            declared = Long.parseLong(exchange.header("Content-Length").orElse("-1").trim());
        } catch (NumberFormatException e) {
            declared = -1; // body() answers the 400
        }
        int share = kib(declared < 0 ? maxRequest : declared > maxRequest ? 1 : declared);
        try {
            if (!bodies.tryAcquire(share, BODY_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw HttpError.unavailable("too many large requests at once; try again later", BODY_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.unavailable("the server is stopping", BODY_WAIT_SECONDS);
        }
        try {
            submit(exchange, key);
        } finally {
            bodies.release(share);
        }
    }

    private void submit(WebExchange exchange, ApiKeys.Key key) throws IOException {
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
            Queued queued = raw ? queueRaw(exchange, key, body, envelopeFrom, envelopeTo, Optional.empty())
                    : queue(exchange, key, body, Optional.empty());
            exchange.send(201, "application/json", queued.json());
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
            // One the server died (or failed) in the middle of: finished now, or gone if it was never committed.
            if (earlier.isPresent() && earlier.get().state() != IdempotencyLog.State.FINISHED) earlier = settle(earlier.get());
            if (earlier.isPresent()) {
                if (!earlier.get().bodyHash().equals(bodyHash)) {
                    throw new HttpError(422, "idempotency_mismatch",
                            "this Idempotency-Key was used with a different request body");
                }
                exchange.header("Idempotent-Replayed", "true");
                exchange.send(201, "application/json", earlier.get().answer().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            var request = Optional.of(new Idempotent(key.name(), idKey, bodyHash));
            Queued queued = raw ? queueRaw(exchange, key, body, envelopeFrom, envelopeTo, request)
                    : queue(exchange, key, body, request);
            byte[] answer = queued.json();
            Optional<IdempotencyLog.Entry> pending = idempotency.find(key.name(), idKey)
                    .filter(e -> e.state() == IdempotencyLog.State.PENDING && e.id().equals(queued.id().value()));
            if (pending.isEmpty()) {
                // The content checks discarded it (a milter): nothing was committed nor held, the answer is final.
                idempotency.add(key.name(), idKey, bodyHash, new String(answer, java.nio.charset.StandardCharsets.UTF_8));
            } else {
                crashPoint("after-commit");
                settle(pending.get());
            }
            exchange.send(201, "application/json", answer);
        }
    }

    /** Validates, composes and commits one message; returns the answer once the spool has fsynced it. */
    private Queued queue(WebExchange exchange, ApiKeys.Key key, byte[] body, Optional<Idempotent> idempotent) {
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
        byte[] content = MessageComposer.compose(request, from, to, cc);
        if (content.length > limit) throw HttpError.tooLarge("the message is larger than " + limit + " bytes");
        return commit(exchange, key, content, from, to, cc, bcc, idempotent);
    }

    /**
     * A whole RFC 5322 message: the envelope sender is {@code ?from=} or the From: field, the recipients
     * {@code ?to=} (repeated) or the To:, Cc: and Bcc: fields; Bcc: is removed before it is stored.
     */
    private Queued queueRaw(WebExchange exchange, ApiKeys.Key key, byte[] body, List<String> envelopeFrom,
                            List<String> envelopeTo, Optional<Idempotent> idempotent) throws IOException {
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
            return commit(exchange, key, out.toByteArray(), from, to, List.of(), List.of(), idempotent);
        } catch (MessagingException e) {
            throw HttpError.badRequest("the message cannot be read: " + e.getMessage());
        }
    }

    private Queued commit(WebExchange exchange, ApiKeys.Key key, byte[] content, InternetAddress from,
                          List<InternetAddress> to, List<InternetAddress> cc, List<InternetAddress> bcc,
                          Optional<Idempotent> idempotent) {
        long wait = buckets.computeIfAbsent(key.name(), n -> new TokenBucket(key.rate())).take(key.rate());
        if (wait > 0) throw HttpError.rateLimited("the key's rate of " + key.rate() + " messages a minute is used up", wait);
        // In order, each once; a set, since a request may name many thousands (a list's contains was quadratic).
        java.util.SequencedSet<Recipient> unique = new java.util.LinkedHashSet<>();
        for (InternetAddress a : to) unique.add(Recipient.of(mailbox("to", a)));
        for (InternetAddress a : cc) unique.add(Recipient.of(mailbox("cc", a)));
        for (InternetAddress a : bcc) unique.add(Recipient.of(mailbox("bcc", a)));
        List<Recipient> recipients = List.copyOf(unique);
        Envelope envelope = new Envelope(new ReversePath.Sender(mailbox("from", from)), recipients, MailOptions.NONE);
        boolean https = exchange.raw() instanceof com.sun.net.httpserver.HttpsExchange;
        // Key names are letters, digits, '.', '_' and '-' (ApiKeys.add): safe in a log field and a comment. The
        // identity has no '@', so DKIM signs only as the envelope sender's domain, which the key was allowed.
        var origin = new LocalSubmission.Origin("api/" + key.name(), exchange.remoteAddress().getAddress(),
                "apikey:" + key.name(), "API key " + key.name(), https ? "HTTPSA" : "HTTPA");
        int count = recipients.size();
        ContentStage.Stored stored = idempotent.isEmpty() ? submission.submit(origin, envelope, content)
                : submission.submitHeld(origin, envelope, content, queueId -> {
                    Idempotent i = idempotent.get();
                    idempotency.pending(i.apiKey(), i.key(), i.bodyHash(), queueId.value(),
                            new String(new Queued(queueId, count).json(), java.nio.charset.StandardCharsets.UTF_8));
                    crashPoint("before-commit");
                });
        QueueId id = switch (stored) {
            case ContentStage.Stored.Queued queued -> queued.id();
            case ContentStage.Stored.Refused refused -> throw refusal(refused.reply());
        };
        return new Queued(id, recipients.size());
    }

    /** A request with an {@code Idempotency-Key}: its message is committed held, after a pending entry. */
    private record Idempotent(String apiKey, String key, String bodyHash) {}

    /**
     * Brings an entry the server died (or failed) in the middle of to its end: a pending one whose message is in the
     * spool, held, was committed, and is noted so (durably) before its hold is released; one whose message is not
     * there (or not held: not ours) never was, and is forgotten. Returns the finished entry, or empty when forgotten.
     */
    private Optional<IdempotencyLog.Entry> settle(IdempotencyLog.Entry entry) throws IOException {
        IdempotencyLog.Entry e = entry;
        QueueId id = new QueueId(e.id());
        if (e.state() == IdempotencyLog.State.PENDING) {
            Optional<SpooledMessage> message;
            try {
                message = Optional.of(context.spool().read(id));
            } catch (java.util.NoSuchElementException gone) {
                message = Optional.empty();
            }
            if (message.isEmpty() || !message.get().held()) {
                idempotency.forget(e);
                return Optional.empty();
            }
            e = idempotency.committed(e);
        }
        if (e.state() == IdempotencyLog.State.COMMITTED) {
            context.queue().release(id); // not found: the operator deleted it meanwhile; nothing to release
            e = idempotency.finished(e);
        }
        return Optional.of(e);
    }

    /**
     * A crash for the crash tests ({@code IdempotencyCrashTest}): the system property {@value #CRASH_PROPERTY},
     * read once, names the step after which the process halts as a kill -9 would stop it.
     */
    private static void crashPoint(String step) {
        if (CRASH.equals(step)) Runtime.getRuntime().halt(137);
    }

    static final String CRASH_PROPERTY = "tern.test.idempotency.crash";
    private static final String CRASH = System.getProperty(CRASH_PROPERTY, "");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MessageRoutes.class);

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

    /**
     * The HTTP answer to what the content stage refused, as an SMTP client would have been refused: a full disk or
     * a temporary failure is a 503 to retry later, a header section over the limit a 413, anything else (a loop, a
     * filter's reject) a 422 with the reply's text.
     */
    private static HttpError refusal(Reply reply) {
        String text = String.join(" ", reply.lines());
        if (reply.code() == 452) return HttpError.unavailable("the server's disk is full; try again later", 60);
        if (reply.code() / 100 == 4) return HttpError.unavailable("the message cannot be taken now: " + text, 60);
        if (reply.code() == 552) return HttpError.tooLarge(text);
        return new HttpError(422, "refused", "the message was refused: " + text);
    }

    private static InternetAddress address(String field, String text) {
        if (text == null || text.isBlank()) throw HttpError.badField(field, field + " is required");
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) throw HttpError.badField(field, "an address has no line break");
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

    /** The 201 answer: the queue id and the number of recipients. */
    private record Queued(QueueId id, int recipients) {
        /** {@code {"id":"...","recipients":N}}, written here: a {@link QueueId} is letters and digits. */
        byte[] json() {
            return ("{\"id\":\"" + id.value() + "\",\"recipients\":" + recipients + "}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
