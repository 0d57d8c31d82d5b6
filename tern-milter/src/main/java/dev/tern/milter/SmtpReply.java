package dev.tern.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 4xx or 5xx SMTP reply a filter's verdict asks the MTA to send, with its RFC 3463 enhanced status code.
 * The integrator turns it into tern-smtp's {@code Reply}; this module depends on nothing of Tern's.
 *
 * @param code the RFC 5321 reply code, 400..599
 * @param status the RFC 3463 enhanced status code, whose class matches the code's first digit
 * @param lines the text lines, at least one, without CR or LF
 */
public record SmtpReply(int code, String status, List<String> lines) {
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    // RFC 5321 §4.2: code, '-' on every line but the last, text; RFC 2034 §3: the enhanced code leads the text.
    private static final Pattern LINE = Pattern.compile("([45]\\d\\d)([ -])(?:([45]\\.\\d{1,3}\\.\\d{1,3})(?: |$))?(.*)");
    private static final int MAX_LINES = 100;

    /** Postfix's reply for {@code SMFIR_REJECT}. */
    public static final SmtpReply REJECT = new SmtpReply(550, "5.7.1", List.of("Command rejected"));
    /** Postfix's reply for {@code SMFIR_TEMPFAIL}, and for a filter that is down under {@code tempfail}. */
    public static final SmtpReply TEMPFAIL = new SmtpReply(451, "4.7.1", List.of("Service unavailable - try again later"));

    public SmtpReply {
        if (code < 400 || code > 599) throw new IllegalArgumentException("not a 4xx/5xx reply code: " + code);
        if (status == null || !STATUS.matcher(status).matches() || status.charAt(0) - '0' != code / 100) {
            throw new IllegalArgumentException("enhanced status " + status + " does not match reply code " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) throw new IllegalArgumentException("a reply has at least one line");
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) throw new IllegalArgumentException("CR or LF in reply text");
        }
    }

    public boolean permanent() {
        return code >= 500;
    }

    /** The reply as RFC 5321 writes it, one string per line, without CRLF. */
    public List<String> wireLines() {
        List<String> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            out.add(code + (i == lines.size() - 1 ? " " : "-") + status + (text.isEmpty() ? "" : " " + text));
        }
        return out;
    }

    /**
     * Parses the text of {@code SMFIR_REPLYCODE} as libmilter's {@code smfi_setreply} and {@code smfi_setmlreply}
     * write it: one or more CRLF-separated lines of {@code DDD[ -][x.y.z ]text}, all with the same code. A line
     * without an enhanced code takes the first line's, or {@code 4.7.1}/{@code 5.7.1} (a policy decision, RFC 3463
     * §3.8) when none has one. Empty when the text is not a 4xx/5xx reply.
     */
    public static Optional<SmtpReply> parse(String text) {
        String[] raw = text.split("\r?\n", -1);
        if (raw.length > MAX_LINES) return Optional.empty();
        int code = -1;
        String status = null;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            Matcher m = LINE.matcher(raw[i]);
            if (!m.matches()) return Optional.empty();
            int lineCode = Integer.parseInt(m.group(1));
            if (code >= 0 && lineCode != code) return Optional.empty();
            code = lineCode;
            boolean last = i == raw.length - 1;
            if (m.group(2).equals("-") == last) return Optional.empty();
            String lineStatus = m.group(3);
            if (lineStatus != null) {
                if (lineStatus.charAt(0) - '0' != code / 100) return Optional.empty();
                if (status == null) status = lineStatus;
            }
            lines.add(m.group(4));
        }
        if (status == null) status = code >= 500 ? "5.7.1" : "4.7.1";
        return Optional.of(new SmtpReply(code, status, lines));
    }
}
