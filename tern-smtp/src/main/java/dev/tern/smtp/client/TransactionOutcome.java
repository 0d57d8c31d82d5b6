package dev.tern.smtp.client;

import dev.tern.mail.Recipient;
import java.util.List;

/**
 * What one mail transaction did: an outcome per recipient, in the envelope's order.
 *
 * @param recipients  one per envelope recipient; empty only for {@link #NONE}
 * @param dsnPassedOn the server offered DSN (RFC 3461), so NOTIFY/ORCPT/RET/ENVID went with the message and
 *                    success reports are the next hop's to send; otherwise a NOTIFY=SUCCESS recipient gets a
 *                    "relayed" report (RFC 3461 §4.1, §5.2.3)
 */
public record TransactionOutcome(List<RcptOutcome> recipients, boolean dsnPassedOn) {
    /** No transaction was open. */
    public static final TransactionOutcome NONE = new TransactionOutcome(List.of(), false);

    public TransactionOutcome {
        recipients = List.copyOf(recipients);
    }

    /** The recipients to send again at once in a new transaction (RFC 5321 §4.5.3.1.10). */
    public List<Recipient> overLimit() {
        return recipients.stream().filter(o -> o instanceof RcptOutcome.OverLimit).map(RcptOutcome::recipient).toList();
    }
}
