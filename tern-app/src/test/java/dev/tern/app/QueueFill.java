package dev.tern.app;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A large queue for the speed tests: {@code messages} small messages committed through the spool's own writer
 * (the fastest way in, with the spool opened without fsync), message {@code i} from {@code sender<i>@client.test}
 * to {@code user<i>@remote<i % 100>.example}.
 */
public final class QueueFill {
    private QueueFill() {}

    /** Commits the messages with the initial {@code flags} ({@code 0}, or {@code SpooledMessage.HELD}). */
    public static void fill(Spool spool, int messages, int flags) throws IOException {
        byte[] content = "Subject: queued\r\n\r\nwaiting\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < messages; i++) {
            Envelope envelope = new Envelope(ReversePath.of(Mailbox.of("sender" + i, "client.test")),
                    List.of(Recipient.of(Mailbox.of("user" + i, "remote" + i % 100 + ".example"))), MailOptions.NONE);
            try (MessageWriter writer = spool.begin()) {
                writer.write(content, 0, content.length);
                writer.commit(envelope, new byte[0], flags);
            }
        }
    }
}
