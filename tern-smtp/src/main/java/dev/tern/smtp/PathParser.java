package dev.tern.smtp;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;

/**
 * The path grammar of RFC 5321 §4.1.2, extended by RFC 6531 §3.3, read from one position of a command line.
 * One instance is one cursor over one line; {@link #parse} is the entry point.
 *
 * <pre>
 * Path        = "&lt;" [ A-d-l ":" ] Mailbox "&gt;"
 * A-d-l       = At-domain *( "," At-domain )     ; source route: accepted and ignored (RFC 5321 §4.1.1.3, C.)
 * Mailbox     = Local-part "@" ( Domain / address-literal )
 * Local-part  = Dot-string / Quoted-string
 * </pre>
 */
final class PathParser {
    /** Whose path this is: decides whether {@code <>} or {@code <postmaster>} is allowed and the status codes. */
    enum Role { SENDER, RECIPIENT }

    sealed interface Result {
        /** The null reverse-path {@code <>}; {@code end} is the index after {@code >}. */
        record NullPath(int end) implements Result {}

        /** {@code utf8} says whether the path holds non-ASCII text, which needs SMTPUTF8 (RFC 6531 §3.4). */
        record Found(Mailbox mailbox, int end, boolean utf8) implements Result {}

        record Failed(Reply reply) implements Result {}
    }

    // RFC 5321 §4.5.3.1: the limits of §4.5.3.1.1-3 are what a server must at least accept ("to the maximum
    // extent possible, implementation techniques that impose no limits on the length of these objects should be
    // used"). A 64-octet local part at a 255-octet domain makes a 322-octet path, over §4.5.3.1.3's 256, and
    // such paths are real; Postfix and the large receivers take them. Tern bounds the whole path generously
    // instead, against abuse, and keeps the local-part (64) and domain (255, a DNS limit) bounds.
    static final int MAX_PATH = 1024;

    private final String s;
    private final Role role;
    private final Domain postmasterDomain;
    private int i;
    private Reply failure;

    private PathParser(String s, int start, Role role, Domain postmasterDomain) {
        this.s = s;
        this.i = start;
        this.role = role;
        this.postmasterDomain = postmasterDomain;
    }

    /**
     * Reads a path starting at {@code start}; {@code postmasterDomain} completes the bare {@code <postmaster>}
     * of RCPT. Whether UTF-8 is allowed is the caller's question: it depends on MAIL's parameters.
     */
    static Result parse(String line, int start, Role role, Domain postmasterDomain) {
        return new PathParser(line, start, role, postmasterDomain).path();
    }

    private Result path() {
        int start = i;
        if (!take('<')) return failed(syntax());
        // RFC 5321 §4.1.1.2: only the reverse-path may be null (bounces, §4.5.5).
        if (take('>')) return role == Role.SENDER ? new Result.NullPath(i) : failed(syntax());
        // RFC 5321 §4.1.1.3 and Appendix C: a source route MUST be accepted, SHOULD be ignored.
        if (peek() == '@' && !sourceRoute()) return failed(failure);
        int localStart = i;
        String local = peek() == '"' ? quotedString() : dotString();
        if (local == null) return failed(failure);
        // RFC 5321 §4.5.3.1.1: a local part is at most 64 octets (counted as sent, quotes included).
        boolean localTooLong = SafeText.utf8Length(s.subSequence(localStart, i)) > Mailbox.MAX_LOCAL_PART;
        Domain domain;
        // RFC 5321 §4.1.1.3: "postmaster" without a domain, case-insensitively, is the local postmaster.
        if (role == Role.RECIPIENT && peek() == '>' && s.charAt(localStart) != '"'
                && local.equalsIgnoreCase("postmaster")) {
            domain = postmasterDomain;
            local = "postmaster";
        } else {
            if (!take('@')) return failed(syntax());
            domain = domain(">");
            if (domain == null) return failed(failure);
        }
        if (!take('>')) return failed(syntax());
        if (SafeText.utf8Length(s.subSequence(start, i)) > MAX_PATH) {
            return failed(role == Role.SENDER ? Replies.SENDER_PATH_TOO_LONG : Replies.RECIPIENT_PATH_TOO_LONG);
        }
        if (localTooLong) return failed(partTooLong());
        return new Result.Found(new Mailbox(local, domain), i, !SafeText.isAscii(s.substring(start, i)));
    }

    private boolean sourceRoute() {
        do {
            if (!take('@')) return fail(syntax());
            if (domain(",:>") == null) return false;
        } while (take(','));
        return take(':') || fail(syntax());
    }

    /** RFC 5321 Dot-string = Atom *("." Atom); atext extended with UTF-8 by RFC 6531 §3.3. */
    private String dotString() {
        int from = i;
        while (i < s.length() && (s.charAt(i) == '.' || Mailbox.isAtext(s.charAt(i)))) i++;
        String text = s.substring(from, i);
        return Mailbox.isDotAtom(text) ? text : failNull(syntax());
    }

    /** RFC 5321 Quoted-string; qtextSMTP is %d32-33 / %d35-91 / %d93-126, quoted-pairSMTP is "\" %d32-126. */
    private String quotedString() {
        StringBuilder unquoted = new StringBuilder(32);
        i++;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') return unquoted.isEmpty() ? failNull(syntax()) : unquoted.toString();
            if (c == '\\') {
                if (i == s.length() || s.charAt(i) < 32 || s.charAt(i) > 126) return failNull(syntax());
                unquoted.append(s.charAt(i++));
            } else if (c >= 32 && c != '"' && c != '\\' && c != 0x7f) {
                unquoted.append(c); // RFC 6531 §3.3 adds UTF8-non-ascii to qtextSMTP; SafeText vetted the line.
            } else {
                return failNull(syntax());
            }
        }
        return failNull(syntax());
    }

    /** A Domain or address-literal, ending before one of {@code stops}. */
    private Domain domain(String stops) {
        int from = i;
        if (peek() == '[') {
            while (i < s.length() && s.charAt(i) != ']') i++;
            if (!take(']')) return failNull(syntax());
        } else {
            while (i < s.length() && stops.indexOf(s.charAt(i)) < 0) i++;
        }
        String text = s.substring(from, i);
        // RFC 5321 §4.5.3.1.2: a domain is at most 255 octets.
        if (SafeText.utf8Length(text) > Domain.MAX_LENGTH) return failNull(partTooLong());
        return text.startsWith("[") ? literal(text) : name(text);
    }

    /** RFC 5321 §4.1.3: [IPv4] or [IPv6:...]; general address literals are not supported. */
    private Domain literal(String text) {
        String canonical = text.regionMatches(true, 0, "[IPv6:", 0, 6) ? "[IPv6:" + text.substring(6) : text;
        try {
            return Domain.parse(canonical);
        } catch (IllegalArgumentException e) { // not a literal we can route to: a syntax error for the client
            return failNull(syntax());
        }
    }

    /** RFC 5321 sub-domain = Let-dig [Ldh-str]; U-labels allowed by RFC 6531 §3.3, checked with IDNA. */
    private Domain name(String text) {
        if (text.isEmpty() || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
            return failNull(syntax());
        }
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ldh && c < 0x80) return failNull(syntax());
        }
        try {
            return Domain.parse(text);
        } catch (IllegalArgumentException e) { // IDNA or label rules failed: a syntax error for the client
            return failNull(syntax());
        }
    }

    private Reply syntax() {
        return role == Role.SENDER ? Replies.BAD_SENDER_SYNTAX : Replies.BAD_RECIPIENT_SYNTAX;
    }

    private Reply partTooLong() {
        return role == Role.SENDER ? Replies.SENDER_PART_TOO_LONG : Replies.RECIPIENT_PART_TOO_LONG;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private boolean take(char c) {
        if (peek() != c || i >= s.length()) return false;
        i++;
        return true;
    }

    private boolean fail(Reply reply) {
        failure = reply;
        return false;
    }

    private <T> T failNull(Reply reply) {
        failure = reply;
        return null;
    }

    private static Result failed(Reply reply) {
        return new Result.Failed(reply);
    }
}
