package dev.tern.spool;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Envelopes and contents for spool tests; contents are a function of a seed, so a reader can check them. */
final class Fixtures {
    private Fixtures() {}

    static final SpoolSettings NO_FSYNC = new SpoolSettings(false);

    static Envelope envelope(int recipients) {
        List<Recipient> list = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            list.add(i % 2 == 0 ? Recipient.of(Mailbox.of("user" + i, "example.test"))
                    : new Recipient(Mailbox.of("odd one" + i, "bücher.test"),
                            Set.of(Notify.SUCCESS, Notify.FAILURE), "rfc822;orig" + i + "@example.test"));
        }
        var options = new MailOptions(12345, MailOptions.Body.EIGHT_BIT_MIME, true, MailOptions.Ret.HDRS, "env-1");
        return new Envelope(ReversePath.of(Mailbox.of("sender", "client.test")), list, options);
    }

    /** {@code size} bytes of mail-like content determined by {@code seed}. */
    static byte[] content(String seed, int size) {
        byte[] line = ("Line for " + seed + " 0123456789 abcdefghijklmnopqrstuvwxyz\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) content[i] = line[(i + seed.length()) % line.length];
        for (int i = 0; i < Math.min(size, 8); i++) content[i] = (byte) seed.charAt(i % seed.length());
        return content;
    }

    static QueueId commit(Spool spool, Envelope envelope, byte[] content) throws IOException {
        try (MessageWriter writer = spool.begin()) {
            writer.write(content, 0, content.length);
            writer.commit(envelope);
            return writer.id();
        }
    }

    static byte[] readContent(Spool spool, QueueId id) throws IOException {
        try (InputStream in = spool.openContent(id)) {
            return in.readAllBytes();
        }
    }

}
