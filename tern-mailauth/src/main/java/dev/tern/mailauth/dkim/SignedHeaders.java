package dev.tern.mailauth.dkim;

import dev.tern.mailauth.HeaderField;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The header data a DKIM (or ARC) signature covers (RFC 6376 §3.7, §5.4.2). */
public final class SignedHeaders {
    private SignedHeaders() {}

    /**
     * The canonical octets of the fields named in {@code names}, each name taking the next instance from the
     * bottom (§5.4.2; a name with no instance left contributes nothing, so it "oversigns"), followed by the
     * signature field itself, canonicalized, with its {@code b=} value empty and without its final CRLF.
     *
     * @param signatureField the signature field's octets (ISO-8859-1 text) with the value of {@code b=} removed
     */
    public static byte[] data(List<HeaderField> headers, List<String> names, Canonicalization c, String signatureField) {
        Map<String, List<HeaderField>> byName = new HashMap<>();
        for (HeaderField f : headers) {
            if (!f.name().isEmpty()) byName.computeIfAbsent(f.lowerName(), k -> new ArrayList<>()).add(f);
        }
        Map<String, Integer> used = new HashMap<>();
        StringBuilder data = new StringBuilder(1024);
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            List<HeaderField> instances = byName.get(key);
            int k = used.merge(key, 1, Integer::sum);
            if (instances == null || k > instances.size()) continue;
            data.append(c.header(instances.get(instances.size() - k)));
        }
        String self = c.header(signatureField);
        data.append(self, 0, self.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The field text (ISO-8859-1) with the value of its {@code b=} tag removed (§3.7: "with the value of the b= tag
     * ... deleted (i.e., treated as the empty string)"); white space around the value goes with it.
     */
    public static String withoutB(String raw) {
        int colon = raw.indexOf(':');
        int pos = colon + 1;
        while (pos <= raw.length()) {
            int semi = raw.indexOf(';', pos);
            int end = semi < 0 ? raw.length() : semi;
            int eq = raw.indexOf('=', pos);
            if (eq >= 0 && eq < end && TagList.strip(raw.substring(pos, eq)).equals("b")) {
                return raw.substring(0, eq + 1) + raw.substring(end);
            }
            if (semi < 0) break;
            pos = semi + 1;
        }
        return raw;
    }
}
