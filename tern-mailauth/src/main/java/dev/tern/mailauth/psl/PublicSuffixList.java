package dev.tern.mailauth.psl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Public Suffix List: normal rules ({@code co.uk}), wildcard rules ({@code *.ck}) and exception rules
 * ({@code !www.ck}), from both the ICANN and the PRIVATE section. DMARC uses the whole list, as OpenDMARC and the
 * large receivers do: {@code example.github.io} is then its own Organizational Domain, not {@code github.io}.
 *
 * <p>The algorithm is the list's own (https://publicsuffix.org/list/): the prevailing rule is an exception rule if
 * one matches, else the matching rule with the most labels, else the implicit {@code *}. Rules are held in a hash
 * map keyed by their ASCII (A-label) text, so a lookup costs one map probe per label of the domain; the few hundred
 * rules written with U-labels are converted with {@code java.net.IDN} only when a domain with an A-label is first
 * looked up. Immutable and thread-safe.
 */
public final class PublicSuffixList {
    /** The rule kinds a key stands for, as bits: a name can be both a suffix and the base of a wildcard. */
    private static final byte NORMAL = 1;
    private static final byte WILDCARD = 2; // the key is X for the rule *.X
    private static final byte EXCEPTION = 4; // the key is X for the rule !X
    private static final String RESOURCE = "public_suffix_list.dat";
    private static final int MAX_LINE = 1024;

    /** The rules written in ASCII: almost all of them. */
    private final Map<String, Byte> rules;
    /** The rules written with U-labels, converted to A-labels on first need: IDNA is the slow part of a load. */
    private final Map<String, Byte> unicodeRules;
    private volatile Map<String, Byte> idnRules;

    private PublicSuffixList(Map<String, Byte> rules, Map<String, Byte> unicodeRules) {
        this.rules = rules;
        this.unicodeRules = unicodeRules;
    }

    /** Reads a list in the publicsuffix.org format (UTF-8), e.g. {@code /usr/share/publicsuffix/public_suffix_list.dat}. */
    public static PublicSuffixList load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** The copy shipped with Tern (see docs/spf-dmarc.md for its date and origin). */
    public static PublicSuffixList bundled() {
        try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the bundled " + RESOURCE + " is missing");
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a list from text, for tests and for callers holding the list in memory. */
    public static PublicSuffixList parse(String text) {
        try {
            return read(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    private static PublicSuffixList read(InputStream in) throws IOException {
        Map<String, Byte> rules = new HashMap<>(16_384);
        Map<String, Byte> unicode = new HashMap<>(1_024);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            // The format: one rule per line, up to the first white space; "//" starts a comment line.
            String rule = line.strip();
            if (rule.isEmpty() || rule.startsWith("//") || rule.length() > MAX_LINE) continue;
            int space = indexOfWhitespace(rule);
            if (space > 0) rule = rule.substring(0, space);
            byte kind = NORMAL;
            if (rule.startsWith("!")) {
                kind = EXCEPTION;
                rule = rule.substring(1);
            } else if (rule.startsWith("*.")) {
                kind = WILDCARD;
                rule = rule.substring(2);
            }
            byte k = kind;
            (isAscii(rule) ? rules : unicode).merge(isAscii(rule) ? rule.toLowerCase(Locale.ROOT) : rule, k,
                    (a, b) -> (byte) (a | b));
        }
        return new PublicSuffixList(Map.copyOf(rules), Map.copyOf(unicode));
    }

    /**
     * The public suffix of {@code domain} ({@code co.uk} for {@code www.example.co.uk}), in lower-case ASCII. A
     * domain no rule matches has its last label as public suffix (the implicit rule {@code *}).
     *
     * @throws IllegalArgumentException when {@code domain} is not a domain name (empty labels, bad IDNA)
     */
    public String publicSuffix(String domain) {
        String name = normalize(domain);
        return name.substring(suffixStart(name));
    }

    /**
     * RFC 7489 §3.2: the public suffix plus one more label ({@code example.co.uk} for {@code mail.example.co.uk}).
     * A domain that is itself a public suffix has no such domain; it is then returned as it is, so that it aligns
     * only with itself.
     *
     * @throws IllegalArgumentException when {@code domain} is not a domain name
     */
    public String organizationalDomain(String domain) {
        String name = normalize(domain);
        int suffix = suffixStart(name);
        if (suffix == 0) return name;
        int dot = name.lastIndexOf('.', suffix - 2);
        return name.substring(dot + 1);
    }

    /** True when {@code domain} is itself a public suffix. */
    public boolean isPublicSuffix(String domain) {
        return suffixStart(normalize(domain)) == 0;
    }

    /** How many rules the list holds (a wildcard and a normal rule for one name count once). */
    public int size() {
        return rules.size() + unicodeRules.size();
    }

    /** Where in {@code name} its public suffix starts; one probe per label, longest candidate first. */
    private int suffixStart(String name) {
        int start = 0;
        while (true) {
            String candidate = name.substring(start);
            int dot = name.indexOf('.', start);
            if ((flags(candidate) & EXCEPTION) != 0) return dot + 1; // !X: the suffix is X minus its first label
            if ((flags(candidate) & NORMAL) != 0) return start;
            if (dot < 0) return start; // the implicit rule *: the last label
            if ((flags(name.substring(dot + 1)) & WILDCARD) != 0) return start; // *.rest matches candidate
            start = dot + 1;
        }
    }

    private byte flags(String key) {
        Byte b = rules.get(key);
        byte flags = b == null ? 0 : b;
        if (key.startsWith("xn--") || key.contains(".xn--")) {
            Byte idn = idnRules().get(key);
            if (idn != null) flags |= idn;
        }
        return flags;
    }

    /** The U-label rules in A-label form, converted once (racing threads may both convert; either result is the same). */
    private Map<String, Byte> idnRules() {
        Map<String, Byte> converted = idnRules;
        if (converted != null) return converted;
        Map<String, Byte> map = new HashMap<>();
        for (var e : unicodeRules.entrySet()) {
            String key = ascii(e.getKey());
            if (key != null) map.merge(key, e.getValue(), (a, b) -> (byte) (a | b)); // an unconvertible rule matches nothing
        }
        idnRules = converted = Map.copyOf(map);
        return converted;
    }

    private static String normalize(String domain) {
        if (domain == null || domain.isEmpty()) throw new IllegalArgumentException("empty domain");
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        String ascii = ascii(d);
        if (ascii == null || ascii.isEmpty() || ascii.startsWith(".") || ascii.endsWith(".") || ascii.contains("..")) {
            throw new IllegalArgumentException("not a domain name: " + domain);
        }
        return ascii;
    }

    /** Lower-case ASCII with A-labels (RFC 5890), or null when IDNA cannot convert it. */
    private static String ascii(String text) {
        if (isAscii(text)) return text.toLowerCase(Locale.ROOT);
        try {
            return IDN.toASCII(text, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) >= 0x80) return false;
        return true;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) return i;
        }
        return -1;
    }
}
