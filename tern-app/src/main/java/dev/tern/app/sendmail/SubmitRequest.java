package dev.tern.app.sendmail;

import java.util.List;

/**
 * The envelope line of a {@code submit} on the submission socket: a JSON object, followed on the wire by exactly
 * {@code size} octets of message. The sender's identity is never in here: the server takes it from the socket's
 * peer credentials.
 *
 * @param from     the envelope sender, or empty for "the invoking user at the server's hostname"
 * @param to       the recipients (at least one)
 * @param fullName the full name for a From: the server adds when the message has none (sendmail's -F), or empty
 * @param notifyOn the DSN NOTIFY keywords (never, success, delay, failure), empty for the default
 * @param ret      the DSN RET (full, hdrs), or empty
 * @param envid    the DSN ENVID, or empty
 * @param size     the message's length in octets
 * @param notifyEach the NOTIFY keywords of each recipient, in the order of {@code to} ({@code tern sendmail -bs},
 *                 where RCPT TO gives them one by one); empty when {@code notifyOn} applies to all
 */
public record SubmitRequest(String from, List<String> to, String fullName, List<String> notifyOn, String ret,
                            String envid, long size, List<List<String>> notifyEach) {
    /** A request whose recipients all take {@code notifyOn} (the command line's {@code -N}). */
    public SubmitRequest(String from, List<String> to, String fullName, List<String> notifyOn, String ret,
                         String envid, long size) {
        this(from, to, fullName, notifyOn, ret, envid, size, List.of());
    }

    public SubmitRequest {
        notifyEach = notifyEach == null ? List.of() : notifyEach.stream().map(List::copyOf).toList();
        from = from == null ? "" : from;
        to = to == null ? List.of() : List.copyOf(to);
        fullName = fullName == null ? "" : fullName;
        notifyOn = notifyOn == null ? List.of() : List.copyOf(notifyOn);
        ret = ret == null ? "" : ret;
        envid = envid == null ? "" : envid;
    }
}
