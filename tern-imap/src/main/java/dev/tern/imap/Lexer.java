package dev.tern.imap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the tokens of RFC 9051 §9 from a {@link RawCommand}: atoms, quoted strings, literals, numbers. A
 * literal announcement at the end of a line is where the next collected literal stands.
 *
 * <p>A token that is not there throws {@link Refusal}, which only {@link CommandParser#parse} catches and
 * turns into {@link Command.Invalid}: the grammar reads top to bottom that way, and nothing escapes.
 */
final class Lexer {
    /** Thrown inside the parser only; the reply to give. No stack trace: it is a value in transit. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Response.Status status;
        final Optional<ResponseCode> code;

        Refusal(Response.Status status, Optional<ResponseCode> code, String text) {
            super(text, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private final RawCommand raw;
    private int segment;
    private byte[] line;
    private int pos;

    Lexer(RawCommand raw) {
        this.raw = raw;
        this.line = raw.lines().getFirst();
    }

    static Refusal syntax(String text) {
        return new Refusal(Response.Status.BAD, Optional.empty(), text);
    }

    // RFC 9051 §9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials.
    static boolean isAtomChar(int c) {
        return c > 0x20 && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0;
    }

    static boolean isAstringChar(int c) {
        return isAtomChar(c) || c == ']';
    }

    static boolean isListChar(int c) {
        return isAstringChar(c) || c == '%' || c == '*';
    }

    static boolean isAtom(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!isAtomChar(s.charAt(i))) return false;
        return true;
    }

    /** RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">. */
    static boolean isTag(String s) {
        if (s.isEmpty() || s.length() > 128) return false;
        for (int i = 0; i < s.length(); i++) if (!isAstringChar(s.charAt(i)) || s.charAt(i) == '+') return false;
        return true;
    }

    int peek() {
        return pos < line.length ? line[pos] & 0xff : -1;
    }

    boolean atEnd() {
        return pos >= line.length && segment == raw.literals().size();
    }

    void end() {
        if (!atEnd()) throw syntax("Unexpected characters at the end of the command");
    }

    void sp() {
        if (peek() != ' ') throw syntax("Expected a space");
        pos++;
    }

    boolean tryChar(char c) {
        if (peek() != c) return false;
        pos++;
        return true;
    }

    void expect(char c) {
        if (!tryChar(c)) throw syntax("Expected '" + c + "'");
    }

    /** Characters while they match, as US-ASCII text (possibly empty). */
    String charsWhile(java.util.function.IntPredicate accept) {
        int from = pos;
        while (pos < line.length && accept.test(line[pos] & 0xff)) pos++;
        return new String(line, from, pos - from, StandardCharsets.ISO_8859_1);
    }

    /** The characters that would match, without consuming them. */
    String lookAhead(java.util.function.IntPredicate accept) {
        int from = pos;
        String s = charsWhile(accept);
        pos = from;
        return s;
    }

    String atom() {
        String a = charsWhile(Lexer::isAtomChar);
        if (a.isEmpty()) throw syntax("Expected an atom");
        return a;
    }

    long number() {
        String digits = charsWhile(c -> c >= '0' && c <= '9');
        // RFC 9051 §9 number64: up to 2^63-1.
        if (digits.isEmpty() || digits.length() > 18) throw syntax("Expected a number");
        return Long.parseLong(digits);
    }

    long nzNumber() {
        long n = number();
        if (n == 0 || n > SequenceSet.MAX) throw syntax("Expected a non-zero 32-bit number");
        return n;
    }

    SequenceSet sequenceSet() {
        String text = charsWhile(c -> (c >= '0' && c <= '9') || c == ':' || c == ',' || c == '*' || c == '$');
        return SequenceSet.parse(text).orElseThrow(() -> syntax("Invalid sequence set"));
    }

    /** An astring: atom (with {@code ]}) or string. */
    String astring() {
        int c = peek();
        if (c == '"' || c == '{' || c == '~') return string();
        String a = charsWhile(Lexer::isAstringChar);
        if (a.isEmpty()) throw syntax("Expected a string");
        return utf8(a.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A list-mailbox (RFC 9051 §9): wildcards allowed in the atom form. */
    String listMailbox() {
        int c = peek();
        if (c == '"' || c == '{') return string();
        String a = charsWhile(Lexer::isListChar);
        if (a.isEmpty()) throw syntax("Expected a mailbox pattern");
        return utf8(a.getBytes(StandardCharsets.ISO_8859_1));
    }

    Optional<String> nstring() {
        if (peek() == 'N' || peek() == 'n') {
            String a = atom();
            if (!a.equalsIgnoreCase("NIL")) throw syntax("Expected a string or NIL");
            return Optional.empty();
        }
        return Optional.of(string());
    }

    /** A quoted string or a literal, as UTF-8 text. */
    String string() {
        if (peek() == '"') return quoted();
        Literal l = literal();
        if (l.binary()) throw syntax("literal8 is only for APPEND data");
        return utf8(l.octets());
    }

    private String quoted() {
        pos++;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            if (pos >= line.length) throw syntax("Unterminated quoted string");
            int c = line[pos++] & 0xff;
            if (c == '"') return utf8(out.toByteArray());
            if (c == '\\') {
                if (pos >= line.length || (line[pos] != '"' && line[pos] != '\\')) throw syntax("Bad escape in quoted string");
                c = line[pos++];
            }
            out.write(c);
        }
    }

    record Literal(byte[] octets, boolean binary) {}

    /** A literal announced here at the end of the line: the collected octets; the next line goes on. */
    Literal literal() {
        boolean binary = tryChar('~');
        if (peek() != '{' || segment >= raw.literals().size() || line[line.length - 1] != '}') throw syntax("Expected a string");
        String rest = new String(line, pos, line.length - pos, StandardCharsets.US_ASCII);
        if (!rest.matches("\\{[0-9]+\\+?}")) throw syntax("Bad literal");
        byte[] octets = raw.literals().get(segment);
        segment++;
        line = raw.lines().get(segment);
        pos = 0;
        return new Literal(octets, binary);
    }

    private static String utf8(byte[] octets) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets)).toString();
        } catch (CharacterCodingException e) {
            throw syntax("Invalid UTF-8 in string"); // the client's bytes, not our bug: a BAD reply
        }
    }
}
