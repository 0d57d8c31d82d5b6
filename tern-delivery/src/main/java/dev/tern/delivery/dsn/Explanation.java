package dev.tern.delivery.dsn;

import dev.tern.mail.Domain;

/**
 * The human-readable first part of a DSN (RFC 6522 §3): what happened, recipient by recipient, with the
 * reply of the server that refused or delayed it, in plain English.
 */
final class Explanation {
    private static final String INDENT = "    ";

    private Explanation() {}

    static byte[] render(Domain host, Dsn dsn, ReturnedContent returned, boolean utf8) {
        LineWriter out = new LineWriter(utf8);
        out.text("This is the mail system at host " + host.name() + ".", "").blank();
        switch (dsn.kind()) {
            case FAILURE -> out.text("Your message could not be delivered to one or more of its recipients. "
                    + "The mail system has given up on the recipients listed below.", "");
            case DELAY -> out.text("Your message has not been delivered yet to one or more of its recipients. "
                    + "The mail system is still trying, so you do not need to send it again; you will be told "
                    + "again only if it finally fails.", "");
            case SUCCESS -> out.text("You asked to be told when your message was delivered. "
                    + "This is what happened to it:", "");
        }
        out.blank();
        for (RecipientReport report : dsn.recipients()) {
            out.text("<" + report.recipient().mailbox() + ">: " + phrase(report), INDENT);
            if (report.diagnostic().isPresent()) {
                String who = report.remoteMta().isEmpty() ? "The mail system" : "The server " + report.remoteMta();
                out.text(INDENT + who + " said: " + report.diagnostic().text(), INDENT + INDENT);
            }
            out.blank();
        }
        if (returned.present()) {
            out.text(returned.whole() ? "Your message is attached below."
                    : "The header of your message is attached below.", "").blank();
        }
        out.text("If you need help, write to postmaster@" + host.name() + " and include this report.", "");
        return out.toByteArray();
    }

    private static String phrase(RecipientReport report) {
        String status = " (status " + report.status() + ")";
        return switch (report.action()) {
            case Action.Failed f -> "could not be delivered" + status + ".";
            case Action.Delayed d -> "not delivered yet" + status + "; the mail system keeps trying until "
                    + MailDate.format(d.willRetryUntil()) + ".";
            case Action.Delivered d -> "delivered" + status + ".";
            case Action.Relayed r -> "passed on to a mail system that sends no delivery reports" + status + ".";
            case Action.Expanded e -> "delivered to a list or alias, which sent it on to its members" + status + ".";
        };
    }
}
