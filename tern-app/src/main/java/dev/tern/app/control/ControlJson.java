package dev.tern.app.control;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Notify;
import dev.tern.mail.ReversePath;
import dev.tern.spool.RecipientState;
import java.util.Locale;

/**
 * The JSON lines the server answers with (docs/queue.md, "The protocol"). Field names follow Postfix's
 * {@code postqueue -j} where it has one ({@code queue_id}, {@code arrival_time}, {@code message_size},
 * {@code sender}, {@code recipients[].address}); times are seconds since the epoch as there.
 *
 * <p>Every answer ends with exactly one line that starts with {@code {"end":}, and no other line does: a
 * client can copy data lines through without parsing them.
 */
final class ControlJson {
    private ControlJson() {}

    /** An entry as a listing line; {@code detailed} adds the MAIL FROM options and each RCPT's DSN parameters. */
    static String entry(QueueEntry entry, boolean detailed) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"queue_id\":\"").append(entry.id()).append('"');
        out.append(",\"arrival_time\":").append(entry.accepted().getEpochSecond());
        out.append(",\"message_size\":").append(entry.size());
        Json.quote(out.append(",\"sender\":"), sender(entry.envelope()));
        out.append(",\"attempts\":").append(entry.attempts());
        out.append(",\"next_attempt\":").append(entry.nextAttempt().getEpochSecond());
        out.append(",\"held\":").append(entry.held());
        if (detailed) options(out, entry.envelope().options());
        out.append(",\"recipients\":[");
        for (int i = 0; i < entry.recipients().size(); i++) {
            RecipientState state = entry.recipients().get(i);
            if (i > 0) out.append(',');
            Json.quote(out.append("{\"address\":"), state.recipient().mailbox().toString());
            out.append(",\"status\":\"").append(status(state.status())).append('"');
            Json.quote(out.append(",\"diagnostic\":"), state.diagnostic());
            if (detailed) {
                out.append(",\"notify\":[");
                int n = 0;
                for (Notify notify : Notify.values()) {
                    if (!state.recipient().notifyOn().contains(notify)) continue;
                    out.append(n++ > 0 ? "," : "").append('"').append(notify.name().toLowerCase(Locale.ROOT)).append('"');
                }
                Json.quote(out.append("],\"orcpt\":"), state.recipient().orcpt());
            }
            out.append('}');
        }
        return out.append("]}").toString();
    }

    /** The successful end of an answer, with {@code fields} (already JSON: {@code "name":value,...}) or none. */
    static String ok(String fields) {
        return fields.isEmpty() ? "{\"end\":\"ok\"}" : "{\"end\":\"ok\"," + fields + "}";
    }

    /** The end of a refused request: a stable {@code error} code and a text for people. */
    static String error(String code, String message) {
        StringBuilder out = new StringBuilder("{\"end\":\"error\",\"error\":");
        Json.quote(out, code).append(",\"message\":");
        return Json.quote(out, message).append('}').toString();
    }

    static String status(RecipientState.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** The sender as {@code postqueue -j} has it: the address, or empty for the null reverse-path. */
    static String sender(Envelope envelope) {
        return switch (envelope.reversePath()) {
            case ReversePath.Null n -> "";
            case ReversePath.Sender s -> s.mailbox().toString();
        };
    }

    private static void options(StringBuilder out, MailOptions options) {
        out.append(",\"body\":\"").append(switch (options.body()) {
            case UNSPECIFIED -> "";
            case SEVEN_BIT -> "7bit";
            case EIGHT_BIT_MIME -> "8bitmime";
        }).append('"');
        out.append(",\"smtputf8\":").append(options.smtpUtf8());
        out.append(",\"ret\":\"").append(switch (options.ret()) {
            case UNSPECIFIED -> "";
            case FULL -> "full";
            case HDRS -> "hdrs";
        }).append('"');
        Json.quote(out.append(",\"envid\":"), options.envId());
        out.append(",\"declared_size\":").append(options.declaredSize());
    }
}
