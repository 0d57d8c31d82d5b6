package dev.tern.delivery;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.arc.ArcResult;
import dev.tern.mailauth.arc.ArcSealer;
import dev.tern.mailauth.arc.ArcVerifier;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.mailauth.dkim.SigningKey;
import dev.tern.mailauth.dmarc.FromDomain;
import dev.tern.mailauth.results.AuthenticationResults;
import dev.tern.smtp.HeaderScanner;
import dev.tern.spool.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the mail that delivery itself puts into the queue (issue 9): a DSN or report gets the DKIM signatures of
 * its From: domain's keys (RFC 6376), and a message an alias or list forwards off-site is signed again by our own
 * domain and ARC-sealed (RFC 8617), with what we found on receipt in its ARC-Authentication-Results, so the next hop
 * can trust the results of a hop that SRS and a forward would otherwise break. {@link #NONE} adds nothing.
 *
 * <p>Thread-safe.
 */
public final class Resealer {
    private static final Logger log = LoggerFactory.getLogger(Resealer.class);
    /** A forwarded message's header section beyond this is not sealed (it was bounded on receipt already). */
    static final int MAX_HEADER_SECTION = 1024 * 1024;

    public static final Resealer NONE = new Resealer(Map.of(), "", "", Optional.empty(), Clock.systemUTC());

    private final Map<String, DkimSigner> signers;
    private final String ownDomain;
    private final String authservId;
    private final Optional<ArcVerifier> arc;
    private final Clock clock;

    /**
     * @param signers   DKIM signers by domain, lower case ({@code DkimKeys.signers})
     * @param ownDomain  our host name: forwarded mail is signed by the keys of it or its nearest parent domain
     * @param authservId the name in our Authentication-Results fields (inbound.authserv_id): the one field of
     *                   ours that the content stage let through, and the authserv-id of our ARC sets
     * @param arc        checks a forwarded message's ARC chain before it is sealed again; empty: no ARC sealing
     */
    public Resealer(Map<String, DkimSigner> signers, String ownDomain, String authservId, Optional<ArcVerifier> arc,
                    Clock clock) {
        this.signers = Map.copyOf(signers);
        this.ownDomain = ownDomain.toLowerCase(Locale.ROOT);
        this.authservId = authservId.toLowerCase(Locale.ROOT);
        this.arc = arc;
        this.clock = clock;
    }

    /**
     * The fields to put in front of {@code message}, a whole message we composed (a DSN, a report): DKIM-Signature
     * fields when its From: domain has keys, else nothing.
     */
    public byte[] signNotice(byte[] message) {
        if (signers.isEmpty()) return new byte[0];
        int end = headerEnd(message);
        if (end < 0) return new byte[0];
        List<HeaderField> headers = HeaderSection.parse(Arrays.copyOf(message, end));
        List<String> values = headers.stream().filter(h -> h.is("From")).map(HeaderField::value).toList();
        if (!(FromDomain.parse(values) instanceof FromDomain.Found from)) return new byte[0];
        Optional<DkimSigner> signer = signerFor(from.domain());
        if (signer.isEmpty()) return new byte[0];
        List<String> lines = signer.get().sign(headers, Arrays.copyOfRange(message, end, message.length));
        return String.join("", lines).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Copies {@code content} (a stored message) into {@code writer} and returns the fields to commit in front of
     * it: an ARC set and DKIM-Signature fields of our own domain, when it has keys; nothing otherwise.
     */
    public byte[] forward(InputStream content, MessageWriter writer) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        Optional<DkimSigner> signer = signerFor(ownDomain);
        if (signer.isEmpty()) return copy(content, writer);
        ByteArrayOutputStream header = new ByteArrayOutputStream(4096);
        HeaderScanner scanner = new HeaderScanner(MAX_HEADER_SECTION);
        int n;
        while (!scanner.headerEnded() && (n = content.read(buffer)) > 0) {
            writer.write(buffer, 0, n);
            header.write(buffer, 0, n);
            scanner.scan(buffer, 0, n);
            if (scanner.headerTooLarge()) return copy(content, writer);
        }
        byte[] start = header.toByteArray();
        int end = scanner.headerEnded() ? (int) scanner.headerSectionLength() : start.length; // no body: all header
        List<HeaderField> headers = HeaderSection.parse(Arrays.copyOf(start, end));
        DkimSigner.Signing signing = signer.get().begin();
        Optional<SigningKey> rsa = signer.get().keys().stream()
                .filter(k -> k.algorithm() == SigningKey.Algorithm.RSA_SHA256).findFirst();
        ArcSealer.Sealing sealing = arc.isPresent() && rsa.isPresent()
                ? new ArcSealer(rsa.get(), authservId, clock).begin() : null;
        ArcVerifier.Verification verification = sealing == null ? null : arc.get().begin(headers);
        Body body = (b, off, len) -> {
            signing.body(b, off, len);
            if (sealing != null) {
                sealing.body(b, off, len);
                verification.body(b, off, len);
            }
        };
        body.write(start, end, start.length - end);
        while ((n = content.read(buffer)) > 0) {
            writer.write(buffer, 0, n);
            body.write(buffer, 0, n);
        }
        List<String> dkim = signing.finish(headers);
        List<String> top = new ArrayList<>();
        if (sealing != null) {
            List<HeaderField> asSent = new ArrayList<>(HeaderSection.parse(
                    String.join("", dkim).getBytes(StandardCharsets.US_ASCII)));
            asSent.addAll(headers);
            ArcResult verified = verification.finish();
            try {
                top.addAll(sealing.finish(asSent, ownResults(headers), verified));
            } catch (IllegalArgumentException e) {
                log.warn("forward not ARC-sealed: {}", e.getMessage());
            }
        }
        top.addAll(dkim);
        return String.join("", top).getBytes(StandardCharsets.US_ASCII);
    }

    /** Copies {@code content} into {@code writer} as it is, and returns no fields to put in front (nothing signed). */
    static byte[] copy(InputStream content, MessageWriter writer) throws IOException {
        content.transferTo(new WriterStream(writer));
        return new byte[0];
    }

    /** What we recorded on receipt: our own Authentication-Results field's value, or none. */
    private String ownResults(List<HeaderField> headers) {
        for (HeaderField field : headers) {
            if (field.is(AuthenticationResults.FIELD) && AuthenticationResults.claims(field, authservId)) {
                return field.value();
            }
        }
        return authservId + "; none";
    }

    private Optional<DkimSigner> signerFor(String domain) {
        return DkimKeys.signerFor(signers, domain);
    }

    /** The offset just after the empty line ending the header section in {@code bytes}, or -1 when it has none. */
    private static int headerEnd(byte[] bytes) {
        HeaderScanner scanner = new HeaderScanner(MAX_HEADER_SECTION);
        scanner.scan(bytes, 0, bytes.length);
        return scanner.headerEnded() ? (int) scanner.headerSectionLength() : -1;
    }

    @FunctionalInterface
    private interface Body {
        void write(byte[] b, int off, int len);
    }

    /** Writes to a message writer. */
    private static final class WriterStream extends java.io.OutputStream {
        private final MessageWriter writer;

        WriterStream(MessageWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) throws IOException {
            writer.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writer.write(b, off, len);
        }
    }
}
