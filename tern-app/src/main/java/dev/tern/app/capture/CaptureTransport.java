package dev.tern.app.capture;

import dev.tern.delivery.RecipientOutcome;
import dev.tern.delivery.Transport;
import dev.tern.mail.EnhancedStatus;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.util.List;

/**
 * Capture mode's delivery: each group of recipients is kept in the {@link CaptureStore} and reported delivered;
 * nothing is sent anywhere. A store that cannot write is a temporary failure, so the spool keeps the message.
 */
public record CaptureTransport(Spool spool, CaptureStore store) implements Transport {
    @Override
    public List<RecipientOutcome> deliver(SpooledMessage message, List<Integer> recipients) {
        try {
            store.keep(message, recipients, spool.openContent(message.id()));
            return recipients.stream().<RecipientOutcome>map(i -> new RecipientOutcome.Delivered(i, "capture",
                    "captured")).toList();
        } catch (IOException e) {
            return recipients.stream().<RecipientOutcome>map(i -> new RecipientOutcome.TemporaryFailure(i,
                    EnhancedStatus.of(4, 3, 0), "capture", "capture store: " + e.getMessage())).toList();
        }
    }
}
