package dev.tern.smtp.client;

import dev.tern.smtp.Reply;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The service extensions a server offers in its EHLO reply (RFC 5321 §4.1.1.1: the first line greets, each
 * further line is {@code ehlo-keyword *(SP ehlo-param)}). Keywords are case-insensitive (RFC 5321 §2.4) and
 * kept upper-cased; a line that is not a keyword is ignored, since an extension the client does not understand
 * is one it does not use.
 *
 * @param keywords       every keyword offered, upper-case
 * @param sizeLimit      the SIZE parameter (RFC 1870 §4), 0 when SIZE was not offered, had no value or 0
 *                       (no fixed limit), or was not a number
 * @param authMechanisms the SASL mechanisms after AUTH (RFC 4954 §3), upper-case; also read from the
 *                       pre-standard {@code AUTH=PLAIN LOGIN} form that old servers still send
 */
public record Extensions(Set<String> keywords, long sizeLimit, Set<String> authMechanisms) {
    /** After HELO, or before any EHLO: nothing offered. */
    public static final Extensions NONE = new Extensions(Set.of(), 0, Set.of());

    // RFC 5321 §4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
    private static final Pattern KEYWORD = Pattern.compile("[A-Z0-9][A-Z0-9-]*");

    public Extensions {
        keywords = Set.copyOf(keywords);
        authMechanisms = Set.copyOf(authMechanisms);
        if (sizeLimit < 0) throw new IllegalArgumentException("negative size limit");
    }

    /** Reads the keywords of a 250 reply to EHLO. */
    public static Extensions parse(Reply ehloReply) {
        Set<String> keywords = new LinkedHashSet<>();
        Set<String> mechanisms = new LinkedHashSet<>();
        long size = 0;
        var lines = ehloReply.lines();
        for (int i = 1; i < lines.size(); i++) {
            String[] words = lines.get(i).strip().toUpperCase(Locale.ROOT).split("[ \t]+");
            String keyword = words[0];
            if (keyword.startsWith("AUTH=")) { // draft form, RFC 4954 §3 names it only to be ignored by servers
                mechanisms.add(keyword.substring(5));
                keyword = "AUTH";
            }
            if (!KEYWORD.matcher(keyword).matches()) continue;
            keywords.add(keyword);
            if (keyword.equals("AUTH")) {
                for (int w = 1; w < words.length; w++) mechanisms.add(words[w]);
            } else if (keyword.equals("SIZE") && words.length > 1) {
                size = sizeOf(words[1]);
            }
        }
        mechanisms.removeIf(String::isEmpty);
        return new Extensions(keywords, size, mechanisms);
    }

    public boolean offers(String keyword) {
        return keywords.contains(keyword.toUpperCase(Locale.ROOT));
    }

    /** RFC 1870: the server's fixed maximum message size, when it named one. */
    public OptionalLong maxSize() {
        return sizeLimit > 0 ? OptionalLong.of(sizeLimit) : OptionalLong.empty();
    }

    /** RFC 1870. */
    public boolean size() {
        return offers("SIZE");
    }

    /** RFC 2920. */
    public boolean pipelining() {
        return offers("PIPELINING");
    }

    /** RFC 6152. */
    public boolean eightBitMime() {
        return offers("8BITMIME");
    }

    /** RFC 6531. */
    public boolean smtpUtf8() {
        return offers("SMTPUTF8");
    }

    /** RFC 3030. */
    public boolean chunking() {
        return offers("CHUNKING");
    }

    /** RFC 3461. */
    public boolean dsn() {
        return offers("DSN");
    }

    /** RFC 3207. */
    public boolean startTls() {
        return offers("STARTTLS");
    }

    /** RFC 2034. */
    public boolean enhancedStatusCodes() {
        return offers("ENHANCEDSTATUSCODES");
    }

    /** RFC 8689. */
    public boolean requireTls() {
        return offers("REQUIRETLS");
    }

    /** RFC 4954: AUTH with this mechanism. */
    public boolean auth(String mechanism) {
        return authMechanisms.contains(mechanism.toUpperCase(Locale.ROOT));
    }

    private static long sizeOf(String digits) {
        if (!digits.matches("[0-9]{1,18}")) return 0; // not a number: as if no limit was named
        return Long.parseLong(digits);
    }
}
