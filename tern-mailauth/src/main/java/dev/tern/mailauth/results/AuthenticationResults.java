package dev.tern.mailauth.results;

import dev.tern.mailauth.FoldedField;
import dev.tern.mailauth.HeaderField;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Builds and recognizes {@code Authentication-Results:} fields (RFC 8601 §2.2).
 *
 * <pre>
 * Authentication-Results: mx.example.org;
 *     dkim=pass header.d=example.com header.s=tern202612-ed25519 header.b="/gCrinpc";
 *     spf=pass smtp.mailfrom=alice@example.com
 * </pre>
 */
public final class AuthenticationResults {
    /** The field name. */
    public static final String FIELD = "Authentication-Results";
    // RFC 2045 §5.1 token characters that are also atext (RFC 5322 §3.2.3), plus "." (RFC 8601 §2.2 pvalue).
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+^_`{|}~.-]+");
    private static final Pattern PVALUE = Pattern.compile("([A-Za-z0-9!#$%&'*+^_`{|}~.-]*@)?[A-Za-z0-9.-]+");
    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*(/[0-9]+)?");
    private static final Pattern PROPERTY = Pattern.compile("[A-Za-z0-9-]+\\.[A-Za-z0-9._-]+");

    private AuthenticationResults() {}

    /** One property of a result, such as {@code header.d=example.com} ({@code name} is {@code "header.d"}). */
    public record Property(String name, String value) {
        public Property {
            if (name == null || !PROPERTY.matcher(name).matches()) throw new IllegalArgumentException("bad ptype.property");
            if (value == null) throw new IllegalArgumentException("a property needs a value");
        }
    }

    /**
     * One method's result (RFC 8601 §2.7): {@code method} ({@code dkim}, {@code spf}, {@code dmarc}, {@code arc},
     * ...), {@code result} ({@code pass}, {@code fail}, ...), {@code reason} (empty for none) and properties.
     */
    public record MethodResult(String method, String result, String reason, List<Property> properties) {
        public MethodResult {
            if (method == null || !METHOD.matcher(method).matches()) throw new IllegalArgumentException("bad method");
            if (result == null || !TOKEN.matcher(result).matches()) throw new IllegalArgumentException("bad result");
            if (reason == null) throw new IllegalArgumentException("reason is empty for none, never null");
            properties = List.copyOf(properties);
        }

        public MethodResult(String method, String result, List<Property> properties) {
            this(method, result, "", properties);
        }
    }

    /**
     * The complete field, folded, ending in CRLF. With no results it says {@code none} (§2.2: no authentication
     * was done).
     */
    public static String field(String authservId, List<MethodResult> results) {
        FoldedField f = new FoldedField(FIELD);
        f.word(value(authservId) + ";");
        if (results.isEmpty()) return f.word("none").line();
        for (int i = 0; i < results.size(); i++) {
            MethodResult r = results.get(i);
            f.word(r.method().toLowerCase(Locale.ROOT) + "=" + r.result().toLowerCase(Locale.ROOT));
            if (!r.reason().isEmpty()) f.word("reason=" + quoted(r.reason()));
            for (Property p : r.properties()) f.word(p.name().toLowerCase(Locale.ROOT) + "=" + pvalue(p.value()));
            if (i < results.size() - 1) f.glued(";");
        }
        return f.line();
    }

    /**
     * Whether {@code field} is an {@code Authentication-Results:} field naming {@code authservId} (compared without
     * case; the comments and white space around it, and the version after it, ignored). Such a field that came from
     * outside is a forgery of our verdicts and is removed (RFC 8601 §5).
     */
    public static boolean claims(HeaderField field, String authservId) {
        if (!field.is(FIELD)) return false;
        String v = field.value();
        int i = skipCfws(v, 0);
        if (i >= v.length()) return false;
        String id;
        if (v.charAt(i) == '"') {
            StringBuilder b = new StringBuilder();
            int j = i + 1;
            for (; j < v.length() && v.charAt(j) != '"'; j++) {
                if (v.charAt(j) == '\\' && j + 1 < v.length()) j++;
                b.append(v.charAt(j));
            }
            if (j >= v.length()) return false;
            id = b.toString();
        } else {
            int j = i;
            while (j < v.length() && !isDelimiter(v.charAt(j))) j++;
            id = v.substring(i, j);
        }
        return !id.isEmpty() && id.equalsIgnoreCase(authservId);
    }

    /** A value as written: bare when it is a token, otherwise a quoted-string (RFC 2045 §5.1). */
    static String value(String v) {
        return TOKEN.matcher(v).matches() ? v : quoted(v);
    }

    private static String pvalue(String v) {
        return PVALUE.matcher(v).matches() && !v.startsWith(".") ? v : quoted(v);
    }

    private static String quoted(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\r' || c == '\n') continue; // a value never breaks the field
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }

    private static boolean isDelimiter(char c) {
        return c == ';' || c == '(' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"';
    }

    /** Skips white space and (nested) comments from {@code i}, RFC 5322 §3.2.2 CFWS. */
    private static int skipCfws(String v, int i) {
        int depth = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (depth > 0) {
                if (c == '\\') i++;
                else if (c == '(') depth++;
                else if (c == ')') depth--;
            } else if (c == '(') {
                depth = 1;
            } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return i;
            }
            i++;
        }
        return i;
    }
}
