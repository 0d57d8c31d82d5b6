package dev.tern.app.control;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control channel {@code tern queue} talks to: a Unix-domain socket {@code control.sock} in the
 * private directory {@code <data_dir>/control/} (docs/queue.md). Never a TCP port.
 *
 * <p>Who may connect: the directory is made with mode 0700 before the socket is bound in it, so there is no
 * moment when another user can reach the socket; the socket itself gets 0600. Each connection's peer
 * credentials ({@code SO_PEERCRED}) are checked as well: only this server's user and root are answered.
 *
 * <p>Owns one virtual thread accepting connections, one virtual thread per connection (at most
 * {@link #MAX_CLIENTS} at once; more wait in the listen backlog), and one virtual timer thread that closes a
 * connection whose request ({@link #REQUEST_TIMEOUT}) or answer ({@link #ANSWER_TIMEOUT}) overruns its
 * deadline.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    static final int MAX_REQUEST = 512;
    static final int MAX_CLIENTS = 16;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path socket;
    private final ServerSocketChannel channel;
    private final ControlAnswers answers;
    private final UserPrincipal owner;
    private final Optional<UserPrincipal> root;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("control-timer").factory());
    private final Thread acceptor;

    private ControlServer(Path socket, ServerSocketChannel channel, ControlAnswers answers, UserPrincipal owner,
                          Optional<UserPrincipal> root) {
        this.socket = socket;
        this.channel = channel;
        this.answers = answers;
        this.owner = owner;
        this.root = root;
        this.acceptor = Thread.ofVirtual().name("control-accept").start(this::accept);
    }

    /** Where the control socket of the server with this data directory is. */
    public static Path socketPath(Path dataDirectory) {
        return dataDirectory.resolve("control").resolve("control.sock");
    }

    /**
     * Binds the control socket and starts answering. A socket file left by a crash is replaced; one that a
     * live server answers on is not (then this fails).
     *
     * @throws IOException when the directory is not this user's, the path is too long for a Unix-domain
     *                     socket (about 107 bytes), or another server answers there
     */
    public static ControlServer start(Path dataDirectory, QueueControl control, Clock clock) throws IOException {
        Path socket = socketPath(dataDirectory);
        Path directory = socket.getParent();
        makePrivate(directory);
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (answers(socket)) throw new IOException("a server already answers on " + socket);
            Files.delete(socket); // stale: left by a server that did not stop cleanly
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, SOCKET_MODE);
            UserPrincipal self = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS); // made by us: our own user
            if (!Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).equals(self)) {
                throw new IOException(directory + " belongs to another user");
            }
            log.info("control channel listening socket={}", socket);
            return new ControlServer(socket, channel, new ControlAnswers(control, clock), self, rootUser());
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(socket);
            throw e;
        }
    }

    /** The socket's path. */
    public Path socket() {
        return socket;
    }

    /** Creates the directory with mode 0700, or makes an existing one 0700 again. */
    private static void makePrivate(Path directory) throws IOException {
        try {
            // Created with the mode, not chmod-ed after: the umask can only narrow it.
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(directory + " is not a directory", e);
            }
            Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false; // refused: nobody listens, the file is stale
        }
    }

    private static Optional<UserPrincipal> rootUser() {
        try {
            return Optional.of(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root"));
        } catch (IOException e) {
            return Optional.empty(); // no user named root here: only our own user is let in
        }
    }

    /** Only the server's own user and root may use the channel. */
    static boolean allowed(UserPrincipal peer, UserPrincipal owner, Optional<UserPrincipal> root) {
        return peer.equals(owner) || root.filter(peer::equals).isPresent();
    }

    private void accept() {
        while (channel.isOpen()) {
            try {
                // At the limit, wait for a connection to end (each has a deadline): later clients wait in the
                // listen backlog, and their own timeouts bound the wait.
                clients.acquire();
            } catch (InterruptedException e) {
                return; // close() was called
            }
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (IOException e) {
                clients.release();
                if (e instanceof ClosedChannelException) return; // close() was called
                log.warn("control channel accept failed: {}", e.toString());
                continue;
            }
            Thread.ofVirtual().name("control-client").start(() -> {
                try {
                    serve(client);
                } finally {
                    clients.release();
                }
            });
        }
    }

    private void serve(SocketChannel client) {
        open.add(client);
        Optional<ScheduledFuture<?>> deadline = closeAfter(client, REQUEST_TIMEOUT);
        try (client) {
            if (!channel.isOpen()) return; // accepted while closing: close() may have missed it
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(client), 64 * 1024);
            // The request is read (bounded) even from a peer about to be refused: closing with it unread would
            // reset the connection and lose the refusal.
            var reader = new LineReader(Channels.newInputStream(client), MAX_REQUEST);
            ControlRequest request = switch (reader.next()) {
                case LineReader.Line.Text t -> ControlRequest.parse(t.text());
                case LineReader.Line.TooLong t -> new ControlRequest.Invalid("request line too long");
                case LineReader.Line.End e -> null;
            };
            if (request == null) return; // the client went away without asking anything
            Optional<UserPrincipal> peer = peer(client);
            if (peer.isPresent() && !allowed(peer.get(), owner, root)) {
                log.warn("control connection refused peer={}", peer.get().getName());
                ControlAnswers.line(out, ControlJson.error("forbidden",
                        "only the server's own user and root may use the control channel"));
                out.flush();
                return;
            }
            deadline.ifPresent(d -> d.cancel(false));
            deadline = closeAfter(client, ANSWER_TIMEOUT);
            answers.answer(request, out);
            out.flush();
        } catch (AsynchronousCloseException e) {
            log.info("control connection closed at its deadline or at shutdown");
        } catch (IOException e) {
            log.debug("control connection ended: {}", e.toString());
        } finally {
            deadline.ifPresent(d -> d.cancel(false));
            open.remove(client);
        }
    }

    /** Closes {@code client} after {@code timeout}; empty when the timer has stopped (close() closes it then). */
    private Optional<ScheduledFuture<?>> closeAfter(SocketChannel client, Duration timeout) {
        try {
            return Optional.of(timer.schedule(() -> closeQuietly(client), timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            closeQuietly(client); // shutting down
            return Optional.empty();
        }
    }

    /** The peer's user, or empty where the platform cannot tell (then the socket's file mode alone guards). */
    private static Optional<UserPrincipal> peer(SocketChannel client) throws IOException {
        try {
            UnixDomainPrincipal principal = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return Optional.of(principal.user());
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException e) {
            log.debug("closing a control connection failed: {}", e.toString()); // it is closed either way
        }
    }

    /** Stops accepting, closes the connections still open, and removes the socket file. */
    @Override
    public void close() {
        try {
            channel.close();
            acceptor.interrupt(); // it may be waiting for a free slot rather than in accept()
            acceptor.join(Duration.ofSeconds(5));
            for (SocketChannel client : open) closeQuietly(client);
        } catch (IOException e) {
            log.warn("closing the control channel failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                log.warn("removing the control socket failed: {}", e.toString());
            }
        }
    }
}
