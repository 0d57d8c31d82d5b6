package dev.tern.delivery.dsn;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.util.Locale;

/**
 * The body of the message/delivery-status part (RFC 3464 §2.1-§2.3), or of message/global-delivery-status
 * (RFC 6533 §6) for an international message: the per-message fields, then one group of per-recipient fields
 * for each reported recipient, the groups separated by empty lines.
 */
final class StatusReport {
    private StatusReport() {}

    static byte[] render(Domain reportingMta, Dsn dsn, boolean global) {
        LineWriter out = new LineWriter(global);
        // RFC 3464 §2.2: the per-message fields, in the order of its grammar.
        String envId = dsn.envelope().options().envId();
        // §2.2.1; RFC 3461 §6.3 (a): the ENVID as it was before its xtext encoding, which MailOptions holds.
        if (!envId.isEmpty()) out.field("Original-Envelope-Id", envId);
        out.field("Reporting-MTA", "dns; " + reportingMta.name()); // §2.2.2
        out.field("X-Tern-Queue-ID", dsn.queueId().value()); // §2.4 extension field: Tern's log key
        out.field("Arrival-Date", MailDate.format(dsn.arrival())); // §2.2.5
        for (RecipientReport report : dsn.recipients()) {
            out.blank();
            recipient(out, report, global);
        }
        return out.toByteArray();
    }

    // RFC 3464 §2.3: the per-recipient fields, in the order of its grammar.
    private static void recipient(LineWriter out, RecipientReport report, boolean global) {
        String orcpt = report.recipient().orcpt();
        // §2.3.1: addr-type;address, the address decoded from xtext (RFC 3461 §6.3), as Recipient holds it.
        if (!orcpt.isEmpty()) out.field("Original-Recipient", orcpt);
        out.field("Final-Recipient", address(report.recipient().mailbox(), global)); // §2.3.2
        out.field("Action", report.action().keyword()); // §2.3.3
        out.field("Status", report.status().toString()); // §2.3.4
        if (!report.remoteMta().isEmpty()) out.field("Remote-MTA", "dns; " + report.remoteMta()); // §2.3.5
        if (report.diagnostic().isPresent()) { // §2.3.6
            out.field("Diagnostic-Code", report.diagnostic().type() + "; " + report.diagnostic().text());
        }
        out.field("Last-Attempt-Date", MailDate.format(report.lastAttempt())); // §2.3.7
        if (report.action() instanceof Action.Delayed delayed) { // §2.3.9
            out.field("Will-Retry-Until", MailDate.format(delayed.willRetryUntil()));
        }
    }

    /**
     * {@code rfc822;addr} (RFC 3464 §2.3.2), or for a non-ASCII local part {@code utf-8;addr}: raw UTF-8 in
     * the global form (RFC 6533 §3 utf-8-address), else utf-8-addr-xtext with {@code \x{HEX}} escapes.
     */
    static String address(Mailbox mailbox, boolean global) {
        if (!mailbox.isUtf8()) return "rfc822;" + mailbox;
        return "utf-8;" + (global ? mailbox.toString() : utf8AddrXtext(mailbox.toString()));
    }

    // RFC 6533 §3: QCHAR = %x21-2a / %x2c-3c / %x3e-5b / %x5d-7e; anything else is EmbeddedUnicodeChar.
    private static String utf8AddrXtext(String address) {
        StringBuilder sb = new StringBuilder(address.length() + 16);
        address.codePoints().forEach(cp -> {
            if (cp >= 0x21 && cp <= 0x7e && cp != '+' && cp != '=' && cp != '\\') {
                sb.appendCodePoint(cp);
            } else {
                sb.append("\\x{").append(Integer.toHexString(cp).toUpperCase(Locale.ROOT)).append('}');
            }
        });
        return sb.toString();
    }
}
