package dev.tern.directory;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;

/**
 * A VRFY or EXPN argument (RFC 5321 §3.5.1: "a user name or a mailbox"), parsed leniently: {@code <a@b>},
 * {@code a@b}, {@code "a b"@c}, or a bare name such as {@code smith} or {@code "John Smith"}.
 */
sealed interface Query {
    record Address(Mailbox mailbox) implements Query {}

    record Name(String name) implements Query {}

    record Invalid() implements Query {}

    static Query parse(String argument) {
        String text = argument == null ? "" : argument.strip();
        if (text.startsWith("<")) {
            if (!text.endsWith(">") || text.length() < 3) return new Invalid();
            text = text.substring(1, text.length() - 1);
        }
        if (text.isEmpty()) return new Invalid();
        int at = endOfLocalPart(text);
        if (at < 0) return new Invalid();
        String localPart = unquote(text.substring(0, at));
        try {
            if (at == text.length()) return localPart.isEmpty() ? new Invalid() : new Name(localPart);
            return new Address(new Mailbox(localPart, Domain.parse(text.substring(at + 1))));
        } catch (IllegalArgumentException e) {
            return new Invalid(); // a bad domain or local part is a syntax error: 501
        }
    }

    /** Index of the '@' after the local part, the length when there is none, or -1 for an unclosed quote. */
    private static int endOfLocalPart(String text) {
        if (!text.startsWith("\"")) {
            int at = text.lastIndexOf('@');
            return at < 0 ? text.length() : at;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                if (i + 1 == text.length()) return i + 1;
                return text.charAt(i + 1) == '@' ? i + 1 : -1;
            }
        }
        return -1;
    }

    /** RFC 5321 §4.1.2 Quoted-string: drops the quotes and the backslashes of quoted-pairs. */
    private static String unquote(String localPart) {
        if (!localPart.startsWith("\"")) return localPart;
        StringBuilder sb = new StringBuilder(localPart.length());
        for (int i = 1; i < localPart.length() - 1; i++) {
            char c = localPart.charAt(i);
            if (c == '\\' && i + 1 < localPart.length() - 1) c = localPart.charAt(++i);
            sb.append(c);
        }
        return sb.toString();
    }
}
