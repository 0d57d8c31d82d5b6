package dev.tern.app.sendmail;

import dev.tern.app.web.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * The client side of the submission socket ({@link SubmitServer}): hands one message to the server of a data
 * directory, or, when no server answers, leaves it in the maildrop for the server to pick up when it runs.
 * Used by {@code tern sendmail} for its one message and by {@code tern sendmail -bs} for each SMTP transaction.
 */
final class Submitter {
    private final Path dataDirectory;

    Submitter(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** What became of a submission. */
    sealed interface Outcome {
        /** Committed to the spool (fsynced) under {@code id}. */
        record Queued(String id) implements Outcome {}

        /** No server answered: left in the maildrop (fsynced), to be queued when the server runs. */
        record Dropped() implements Outcome {}

        /** Refused: {@code kind} is {@code usage}, {@code data} or {@code tempfail} (try again later). */
        record Refused(String kind, String message) implements Outcome {}
    }

    Outcome submit(SubmitRequest request, byte[] message) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(SubmitServer.socketPath(dataDirectory)));
        } catch (IOException refused) {
            try {
                Maildrop.drop(dataDirectory, Json.write(request), message);
                return new Outcome.Dropped();
            } catch (IOException e) {
                return new Outcome.Refused("tempfail", "the server is not running (" + refused.getMessage()
                        + ") and the maildrop cannot take the message: " + e);
            }
        }
        try (channel) {
            OutputStream out = Channels.newOutputStream(channel);
            out.write(Json.write(request));
            out.write('\n');
            out.write(message);
            out.flush();
            InputStream in = Channels.newInputStream(channel);
            Map<?, ?> reply = Json.MAPPER.readValue(in.readNBytes(SubmitServer.MAX_ENVELOPE), Map.class);
            if (Boolean.TRUE.equals(reply.get("ok"))) return new Outcome.Queued(String.valueOf(reply.get("id")));
            return new Outcome.Refused(String.valueOf(reply.get("error")), String.valueOf(reply.get("message")));
        } catch (IOException e) {
            return new Outcome.Refused("tempfail", "the submission failed: " + e.getMessage());
        }
    }
}
