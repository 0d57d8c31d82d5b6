package dev.tern.delivery.dsn;

import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Recipient;
import java.time.Instant;

/**
 * One recipient's lines in a DSN (RFC 3464 §2.3): what was done with it, with which status, by whom, and when.
 * The delivery side builds one of these from each per-recipient outcome it reports.
 *
 * @param recipient   the envelope recipient with its NOTIFY and ORCPT (written as {@code Final-Recipient} and
 *                    {@code Original-Recipient})
 * @param action      failed, delayed (with its retry deadline), delivered, relayed or expanded
 * @param status      the enhanced status (RFC 3463): 2.x.x for delivered, relayed and expanded; 4.x.x for
 *                    delayed; 5.x.x for failed, or 4.x.x when a temporary failure ran out of queue lifetime
 *                    (as Postfix reports it)
 * @param remoteMta   the host name (or address literal) of the server that answered, or empty when the
 *                    outcome was local
 * @param diagnostic  the remote's reply or the local reason, or {@link DiagnosticCode#NONE}
 * @param lastAttempt when the last attempt for this recipient was made (RFC 3464 §2.3.7)
 */
public record RecipientReport(Recipient recipient, Action action, EnhancedStatus status, String remoteMta,
                              DiagnosticCode diagnostic, Instant lastAttempt) {
    public RecipientReport {
        if (recipient == null || action == null || status == null || remoteMta == null || diagnostic == null
                || lastAttempt == null) {
            throw new IllegalArgumentException("null report part; use \"\" or DiagnosticCode.NONE for none");
        }
        // RFC 3464 §2.3.4: the status code says what the action did.
        boolean consistent = switch (action) {
            case Action.Failed f -> status.statusClass() != 2;
            case Action.Delayed d -> status.statusClass() == 4;
            case Action.Delivered d -> status.statusClass() == 2;
            case Action.Relayed r -> status.statusClass() == 2;
            case Action.Expanded e -> status.statusClass() == 2;
        };
        if (!consistent) throw new IllegalArgumentException("status " + status + " does not fit action " + action.keyword());
        for (int i = 0; i < remoteMta.length(); i++) {
            char c = remoteMta.charAt(i);
            // RFC 3464 §2.3.5: mta-name for type "dns" is a host name: printable ASCII without spaces.
            if (c <= 0x20 || c >= 0x7f || c == ';') throw new IllegalArgumentException("remote MTA is a host name");
        }
    }

    public static RecipientReport failed(Recipient recipient, EnhancedStatus status, String remoteMta,
                                         DiagnosticCode diagnostic, Instant lastAttempt) {
        return new RecipientReport(recipient, Action.FAILED, status, remoteMta, diagnostic, lastAttempt);
    }

    public static RecipientReport delayed(Recipient recipient, EnhancedStatus status, String remoteMta,
                                          DiagnosticCode diagnostic, Instant lastAttempt, Instant willRetryUntil) {
        return new RecipientReport(recipient, Action.delayed(willRetryUntil), status, remoteMta, diagnostic, lastAttempt);
    }
}
