package dev.tern.delivery.dane;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The DNSSEC trust anchors a validator starts from (RFC 4033 §3.1): DS or DNSKEY records in zone-file form, one a
 * line ({@code . IN DS 20326 8 2 E06D...}). Validated when made: at least one DS or DNSKEY record, every line parses.
 */
public final class TrustAnchors {
    private static final String IANA_ROOT = "root-anchors.txt";
    /** A trust anchor file is a handful of lines; anything much larger is a mistake. */
    private static final int MAX_CHARS = 64 * 1024;

    private final String text;
    private final List<Record> records;

    private TrustAnchors(String text, List<Record> records) {
        this.text = text;
        this.records = List.copyOf(records);
    }

    /** The IANA root zone KSKs, KSK-2017 (20326) and KSK-2024 (38696), bundled with Tern. */
    public static TrustAnchors ianaRoot() {
        try (InputStream in = TrustAnchors.class.getResourceAsStream(IANA_ROOT)) {
            if (in == null) throw new IllegalStateException("the bundled root trust anchors are missing");
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an operator's trust anchor file (the {@code dns.trust_anchor} config key). */
    public static TrustAnchors read(Path file) throws IOException {
        if (Files.size(file) > MAX_CHARS) throw new IllegalArgumentException("trust anchor file too large: " + file);
        return parse(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /**
     * Parses zone-file text of DS and DNSKEY records (other types are ignored, as by the validator).
     *
     * @throws IllegalArgumentException when a line does not parse or no DS/DNSKEY record is there
     */
    public static TrustAnchors parse(String text) {
        if (text.length() > MAX_CHARS) throw new IllegalArgumentException("trust anchors too large");
        List<Record> anchors = new ArrayList<>();
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)),
                Name.root, 0)) {
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                if (r.getType() == Type.DS || r.getType() == Type.DNSKEY) anchors.add(r);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("trust anchors do not parse: " + e.getMessage(), e);
        }
        if (anchors.isEmpty()) throw new IllegalArgumentException("no DS or DNSKEY record among the trust anchors");
        return new TrustAnchors(text, anchors);
    }

    /** The DS and DNSKEY records. */
    public List<Record> records() {
        return records;
    }

    /** The zone-file text, for dnsjava's {@code ValidatingResolver.loadTrustAnchors}. */
    InputStream open() {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return records.stream().map(r -> r.getName() + " " + Type.string(r.getType()))
                .distinct().toList().toString();
    }
}
