package dev.tern.app.sendmail;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tern.app.DurableFiles;
import dev.tern.app.web.Json;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolFullException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket {@code tern sendmail} submits through without a network password: {@code <data>/public/submit.sock},
 * mode 0666 in a 0711 directory, so that every local user can reach it (as Postfix's {@code public/pickup}), and
 * it takes only submissions (no queue commands: those stay on the private control socket).
 *
 * <p>The submitter's identity is the connection's peer credentials ({@code SO_PEERCRED}), never anything the
 * client says: the server writes it into a {@code Received:} field like Postfix's pickup ("from userid NAME"),
 * and uses it as the envelope sender ({@code NAME@hostname}) when the client gives none. The answer "ok" comes
 * only after the spool's commit (fsync), as SMTP's 250 does.
 *
 * <p>Wire: one JSON line ({@link SubmitRequest}, at most {@link #MAX_ENVELOPE} octets), then {@code size} octets
 * of message (CRLF line ends); the answer is one JSON line, {@code {"ok":true,"id":"..."}} or
 * {@code {"ok":false,"error":"usage|data|tempfail","message":"..."}}.
 */
public final class SubmitServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SubmitServer.class);
    static final int MAX_ENVELOPE = 256 * 1024;
    static final int MAX_CLIENTS = 16;
    /** How often the maildrop is looked at for messages written while no server answered. */
    static final Duration PICKUP_INTERVAL = Duration.ofSeconds(2);

    private final Path socket;
    private final ServerSocketChannel channel;
    private final Spool spool;
    private final String hostname;
    private final long maxMessageSize;
    private final Clock clock;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private final Thread acceptor;
    private final Path maildrop;
    private final ScheduledExecutorService pickup =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("maildrop-pickup").factory());

    private SubmitServer(Path socket, ServerSocketChannel channel, Spool spool, String hostname, long maxMessageSize,
                         Clock clock, Path maildrop) {
        this.maildrop = maildrop;
        this.socket = socket;
        this.channel = channel;
        this.spool = spool;
        this.hostname = hostname;
        this.maxMessageSize = maxMessageSize;
        this.clock = clock;
        this.acceptor = Thread.ofVirtual().name("submit-accept").start(this::accept);
        pickup.scheduleWithFixedDelay(this::pickUp, 0, PICKUP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where the submission socket of the server with this data directory is. */
    public static Path socketPath(Path dataDirectory) {
        return dataDirectory.resolve("public").resolve("submit.sock");
    }

    /** Binds the socket (replacing one left by a crash) and starts taking submissions. */
    public static SubmitServer start(Path dataDirectory, Spool spool, String hostname, long maxMessageSize, Clock clock)
            throws IOException {
        Path socket = socketPath(dataDirectory);
        Path directory = socket.getParent();
        var searchOnly = PosixFilePermissions.fromString("rwx--x--x");
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(searchOnly));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) throw new IOException(directory + " is not a directory", e);
        }
        Files.setPosixFilePermissions(directory, searchOnly); // the umask may have narrowed it; never wider
        Path maildrop = Maildrop.directory(dataDirectory);
        var dropOnly = PosixFilePermissions.fromString("rwx-wx-wx"); // then the sticky bit below
        try {
            Files.createDirectory(maildrop, PosixFilePermissions.asFileAttribute(dropOnly));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(maildrop, LinkOption.NOFOLLOW_LINKS)) throw new IOException(maildrop + " is not a directory", e);
        }
        // 1733 like Postfix's maildrop: anyone may drop a file in, nobody else may list or take one out.
        Files.setAttribute(maildrop, "unix:mode", 01733);
        Files.deleteIfExists(socket); // the control socket already proved no other server runs on this data directory
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            log.info("submission socket listening socket={}", socket);
            return new SubmitServer(socket, channel, spool, hostname, maxMessageSize, clock, maildrop);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(socket);
            throw e;
        }
    }

    private void accept() {
        while (channel.isOpen()) {
            try {
                clients.acquire();
            } catch (InterruptedException e) {
                return;
            }
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (IOException e) {
                clients.release();
                if (e instanceof ClosedChannelException) return;
                log.warn("submission accept failed: {}", e.toString());
                continue;
            }
            Thread.ofVirtual().name("submit-client").start(() -> {
                try (client) {
                    serve(client);
                } catch (IOException e) {
                    log.debug("submission connection ended: {}", e.toString());
                } finally {
                    clients.release();
                }
            });
        }
    }

    private void serve(SocketChannel client) throws IOException {
        UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = peer.user().getName();
        // Buffered: the envelope line is read octet by octet, which would otherwise be one read(2) per octet.
        InputStream in = new BufferedInputStream(Channels.newInputStream(client));
        OutputStream out = Channels.newOutputStream(client);
        Map<String, Object> answer;
        try {
            answer = Map.of("ok", true, "id", take(user, in));
        } catch (Refusal r) {
            answer = Map.of("ok", false, "error", r.kind, "message", r.getMessage());
        } catch (SpoolFullException e) {
            answer = Map.of("ok", false, "error", "tempfail", "message", "the spool is full, try again later");
        } catch (IOException e) {
            log.warn("submission failed user={}: {}", user, e.toString());
            answer = Map.of("ok", false, "error", "tempfail", "message", "the message could not be queued");
        }
        out.write(Json.write(answer));
        out.write('\n');
        out.flush();
    }

    /** Reads one submission (envelope line, message) from {@code in} and commits it for {@code user}; its id. */
    String take(String user, InputStream in) throws IOException {
        SubmitRequest request = readEnvelope(in);
        if (request.size() < 0 || request.size() > maxMessageSize) {
            throw new Refusal("data", "the message is larger than the server's limit of " + maxMessageSize + " octets");
        }
        byte[] message = in.readNBytes((int) request.size());
        if (message.length != request.size()) throw new Refusal("data", "the message ended early");
        return commit(user, request, message);
    }

    /**
     * Commits every message waiting in the maildrop, each as its file's owner. A message is committed first and
     * its file deleted after, with a {@code .done} marker between the two, so a crash never loses one and a
     * re-run after a crash between commit and delete does not queue it twice. A message the server refuses is
     * kept as {@code .refused} for the operator.
     */
    synchronized void pickUp() {
        try (var files = Files.newDirectoryStream(maildrop, "*" + Maildrop.SUFFIX)) {
            for (Path file : files) pickUp(file);
        } catch (IOException e) {
            log.warn("reading the maildrop failed: {}", e.toString());
        }
    }

    private void pickUp(Path file) {
        Path done = file.resolveSibling(file.getFileName() + ".done");
        try {
            if (!Files.exists(done, LinkOption.NOFOLLOW_LINKS)) {
                Optional<String> odd = notPlainFile(file, Optional.empty());
                if (odd.isPresent()) {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".refused"));
                    log.warn("maildrop entry refused file={}: {}", file.getFileName(), odd.get());
                    return;
                }
                Object inode = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                String user = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
                String id;
                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                    // Checked again once open: the file read is the one whose owner names the sender.
                    Optional<String> swapped = notPlainFile(file, Optional.ofNullable(inode));
                    if (swapped.isPresent()) throw new Refusal("usage", swapped.get());
                    id = take(user, new BufferedInputStream(in));
                } catch (Refusal r) {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".refused"));
                    log.warn("maildrop entry refused file={} user={}: {}", file.getFileName(), user, r.getMessage());
                    return;
                }
                DurableFiles.replace(done, new byte[0], false);
                log.info("picked up from the maildrop file={} id={}", file.getFileName(), id);
            }
            Files.deleteIfExists(file);
            Files.delete(done);
        } catch (IOException e) {
            log.warn("maildrop pickup failed file={} (tried again later): {}", file.getFileName(), e.toString());
        }
    }

    /**
     * Why a maildrop entry is not one plain file of its owner's making, if it is not: a symbolic link, a device, or
     * a hard link (a second name of a file its owner did not write there, which Postfix's pickup refuses too), or not
     * the inode seen before.
     */
    private static Optional<String> notPlainFile(Path file, Optional<Object> inode) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) return Optional.of("not a regular file");
        if ((int) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) != 1) {
            return Optional.of("a hard link (more than one name)");
        }
        if (inode.isPresent() && !inode.get().equals(attributes.fileKey())) return Optional.of("replaced while read");
        return Optional.empty();
    }

    private static SubmitRequest readEnvelope(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) throw new Refusal("usage", "the envelope line ended early");
            if (line.size() >= MAX_ENVELOPE) throw new Refusal("usage", "the envelope line is too long");
            line.write(b);
        }
        try {
            return Json.MAPPER.readValue(line.toByteArray(), SubmitRequest.class);
        } catch (JsonProcessingException e) {
            throw new Refusal("usage", "the envelope line is not a submit request: " + e.getOriginalMessage());
        }
    }

    /** Commits the message with a Received: field naming {@code user}, and the header fields it lacks; its id. */
    private String commit(String user, SubmitRequest request, byte[] message) throws IOException {
        Envelope envelope = envelope(user, request);
        try (MessageWriter writer = spool.begin()) {
            byte[] head = head(user, request, envelope, writer.id().value(), message);
            writer.write(message, 0, message.length);
            writer.commit(envelope, head, 0);
            log.info("submitted id={} user={} from={} recipients={}", writer.id().value(), user,
                    envelope.reversePath(), envelope.recipients().size());
            return writer.id().value();
        }
    }

    private Envelope envelope(String user, SubmitRequest request) {
        if (request.to().isEmpty()) throw new Refusal("usage", "no recipients");
        ReversePath from = request.from().isEmpty() ? ReversePath.of(Mailbox.of(user, hostname))
                : request.from().equals("<>") ? ReversePath.NULL : ReversePath.of(address(request.from()));
        if (!request.notifyEach().isEmpty() && request.notifyEach().size() != request.to().size()) {
            throw new Refusal("usage", "one NOTIFY list per recipient");
        }
        Set<Notify> notify = notify(request.notifyOn());
        MailOptions.Ret ret = switch (request.ret().toLowerCase(Locale.ROOT)) {
            case "" -> MailOptions.Ret.UNSPECIFIED;
            case "full" -> MailOptions.Ret.FULL;
            case "hdrs" -> MailOptions.Ret.HDRS;
            default -> throw new Refusal("usage", "RET must be full or hdrs");
        };
        try {
            var recipients = new ArrayList<Recipient>();
            for (int i = 0; i < request.to().size(); i++) {
                Set<Notify> each = request.notifyEach().isEmpty() ? notify : notify(request.notifyEach().get(i));
                recipients.add(new Recipient(address(request.to().get(i)), each, ""));
            }
            return new Envelope(from, recipients, new MailOptions(0, MailOptions.Body.UNSPECIFIED, false, ret, request.envid()));
        } catch (IllegalArgumentException e) {
            throw new Refusal("usage", e.getMessage());
        }
    }

    private static Set<Notify> notify(List<String> keywords) {
        Set<Notify> notify = EnumSet.noneOf(Notify.class);
        for (String keyword : keywords) {
            try {
                notify.add(Notify.valueOf(keyword.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new Refusal("usage", "unknown NOTIFY keyword " + keyword);
            }
        }
        return notify;
    }

    /**
     * An address {@code local@domain}; a bare name is a user at the server's hostname (as sendmail takes it). A
     * quoted local part ({@code "john doe"@example.com}, as {@link Mailbox#toString} writes it for {@code -bs}) is
     * unquoted, as Mailbox holds it.
     */
    private Mailbox address(String text) {
        String a = text.strip();
        if (a.startsWith("<") && a.endsWith(">")) a = a.substring(1, a.length() - 1);
        try {
            if (a.indexOf('@') < 0) return Mailbox.of(unquoted(a), hostname);
            Mailbox parsed = Mailbox.parse(a);
            return new Mailbox(unquoted(parsed.localPart()), parsed.domain());
        } catch (IllegalArgumentException e) {
            throw new Refusal("usage", "not an address: " + text + " (" + e.getMessage() + ")");
        }
    }

    /** RFC 5321 §4.1.2 Quoted-string: the text between the quotes, each backslash pair its second character. */
    private static String unquoted(String localPart) {
        if (localPart.length() < 2 || !localPart.startsWith("\"") || !localPart.endsWith("\"")) return localPart;
        StringBuilder text = new StringBuilder(localPart.length());
        for (int i = 1; i < localPart.length() - 1; i++) {
            char c = localPart.charAt(i);
            if (c == '\\' && i + 1 < localPart.length() - 1) c = localPart.charAt(++i);
            else if (c == '\\' || c == '"') throw new IllegalArgumentException("a quote or backslash not escaped");
            text.append(c);
        }
        return text.toString();
    }

    private byte[] head(String user, SubmitRequest request, Envelope envelope, String id, byte[] message) {
        InternetHeaders headers;
        try {
            headers = new InternetHeaders(new ByteArrayInputStream(message));
        } catch (MessagingException e) {
            throw new Refusal("data", "the header section cannot be read: " + e.getMessage());
        }
        String date = new MailDateFormat().format(Date.from(clock.instant()));
        StringBuilder head = new StringBuilder();
        head.append("Received: by ").append(hostname).append(" (Tern) id ").append(id)
                .append(";\r\n\tfrom userid ").append(user).append("; ").append(date).append("\r\n");
        if (headers.getHeader("From") == null) {
            String sender = envelope.reversePath() instanceof ReversePath.Sender(Mailbox m) ? m.toString()
                    : user + "@" + hostname;
            String name = request.fullName().replaceAll("[\\r\\n\"\\\\]", " ").strip();
            head.append("From: ").append(name.isEmpty() ? sender : "\"" + name + "\" <" + sender + ">").append("\r\n");
        }
        if (headers.getHeader("Date") == null) head.append("Date: ").append(date).append("\r\n");
        if (headers.getHeader("Message-ID") == null) {
            head.append("Message-ID: <").append(id).append('.').append(UUID.randomUUID()).append('@').append(hostname)
                    .append(">\r\n");
        }
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A submission refused for the client's fault ({@code usage}, {@code data}), told to it in the answer. */
    static final class Refusal extends RuntimeException {
        final String kind;

        Refusal(String kind, String message) {
            super(message);
            this.kind = kind;
        }
    }

    /** Stops taking submissions and removes the socket file. */
    @Override
    public void close() {
        try {
            pickup.shutdownNow();
            channel.close();
            acceptor.interrupt();
            acceptor.join(Duration.ofSeconds(5));
        } catch (IOException e) {
            log.warn("closing the submission socket failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                log.warn("removing the submission socket failed: {}", e.toString());
            }
        }
    }
}
