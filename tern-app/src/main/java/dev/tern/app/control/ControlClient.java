package dev.tern.app.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the control channel: one connection per request. Data lines are handed over as text,
 * as the server wrote them, so {@code --json} output copies them through without parsing.
 */
public final class ControlClient {
    /** Longest answer line accepted: a message with thousands of recipients still fits. */
    static final int MAX_LINE = 16 << 20;

    private final Path socket;
    private final Duration timeout;

    public ControlClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** The client for the server with this data directory, giving up after two minutes. */
    public static ControlClient forDataDirectory(Path dataDirectory) {
        return new ControlClient(ControlServer.socketPath(dataDirectory), Duration.ofMinutes(2));
    }

    /** Receives each data line of an answer. */
    @FunctionalInterface
    public interface Lines {
        void accept(String line) throws IOException;
    }

    /**
     * Sends {@code request} and passes each data line to {@code lines}, in order, as it arrives. An
     * IOException from {@code lines} (e.g. writing to a closed pipe) propagates; everything else is a reply.
     */
    public ControlReply call(ControlRequest request, Lines lines) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return new ControlReply.NotRunning("no control socket at " + socket);
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            return new ControlReply.NotRunning("nothing answers on " + socket + " (a stale socket)");
        } catch (SocketException e) {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return new ControlReply.NotRunning("no control socket at " + socket);
            }
            if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                return new ControlReply.Refused("forbidden", "no permission to use " + socket
                        + "; run as the server's user or root");
            }
            return new ControlReply.Broken("cannot connect to " + socket + ": " + e.getMessage());
        }
        // The deadline closes the channel, which ends a blocked read with AsynchronousCloseException.
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> close(channel));
        try (channel) {
            byte[] line = (ControlRequest.render(request) + "\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.wrap(line);
            while (out.hasRemaining()) channel.write(out);
            return read(new LineReader(Channels.newInputStream(channel), MAX_LINE), lines);
        } catch (AsynchronousCloseException e) {
            return new ControlReply.Broken("no answer within " + timeout.toSeconds() + " s");
        } catch (LinesFailed e) {
            throw e.getCause();
        } catch (IOException e) {
            return new ControlReply.Broken("the connection failed: " + e.getMessage());
        }
    }

    private static ControlReply read(LineReader reader, Lines lines) throws IOException {
        while (true) {
            switch (reader.next()) {
                case LineReader.Line.Text t when t.text().startsWith("{\"end\":") -> {
                    return end(t.text());
                }
                case LineReader.Line.Text t -> {
                    try {
                        lines.accept(t.text());
                    } catch (IOException e) {
                        throw new LinesFailed(e);
                    }
                }
                case LineReader.Line.TooLong t -> {
                    return new ControlReply.Broken("an answer line longer than " + MAX_LINE + " octets");
                }
                case LineReader.Line.End e -> {
                    return new ControlReply.Broken("the server closed the connection before the end of its answer");
                }
            }
        }
    }

    private static ControlReply end(String text) {
        Optional<JsonValue> parsed = Json.parse(text);
        if (parsed.isEmpty() || !(parsed.get() instanceof JsonValue.Obj end)) {
            return new ControlReply.Broken("a malformed answer");
        }
        return switch (end.string("end")) {
            case "ok" -> new ControlReply.Ok(end);
            case "error" -> new ControlReply.Refused(end.string("error"), end.string("message"));
            default -> new ControlReply.Broken("a malformed answer");
        };
    }

    /** Carries the caller's own IOException past the connection's error handling. */
    private static final class LinesFailed extends IOException {
        LinesFailed(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing at the deadline: the channel is unusable either way, and the caller reports the timeout.
        }
    }
}
