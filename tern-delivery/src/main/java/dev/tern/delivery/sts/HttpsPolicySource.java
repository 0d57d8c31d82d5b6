package dev.tern.delivery.sts;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.dns.Lookup;
import dev.tern.dns.Resolver;
import dev.tern.mail.Domain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 §3.3) with a minimal, strict HTTP/1.1
 * GET over an {@link SSLSocket}: the host's addresses come from Tern's {@link Resolver} (not the JVM's, which
 * {@code java.net.http.HttpClient} would use, and which cannot be pointed at another resolver without a JVM-wide
 * provider), SNI and RFC 6125 name checking as HTTPS does them, the WebPKI trust of {@link StsSettings#webPki()}.
 * Status 200 only (no redirect is followed, §3.3), media type {@code text/plain}, a body of at most
 * {@link StsSettings#MAX_POLICY_BYTES} by Content-Length, chunked coding or up to the end of the connection, and the
 * whole exchange within the read timeout.
 */
public final class HttpsPolicySource implements PolicySource {
    private static final Logger log = LoggerFactory.getLogger(HttpsPolicySource.class);
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_ADDRESSES = 4;

    private final Resolver resolver;
    private final StsSettings settings;
    private final SSLContext tls;

    public HttpsPolicySource(Resolver resolver, StsSettings settings) {
        this.resolver = resolver;
        this.settings = settings;
        this.tls = WebPki.context(WebPki.trustManager(settings.webPki()));
    }

    @Override
    public Fetched fetch(Domain domain) {
        Domain host = Domain.parse("mta-sts." + domain.name());
        List<InetAddress> addresses = new ArrayList<>();
        String dnsFailure = collect(resolver.a(host), addresses);
        if (addresses.size() < MAX_ADDRESSES) dnsFailure = firstNonNull(dnsFailure, collect(resolver.aaaa(host), addresses));
        if (addresses.isEmpty()) {
            return failed(dnsFailure != null ? "policy host lookup failed: " + dnsFailure : "policy host has no address");
        }
        Fetched last = failed("policy host unreachable");
        for (InetAddress address : addresses.subList(0, Math.min(addresses.size(), MAX_ADDRESSES))) {
            last = fetchFrom(host.name(), address);
            // Only an unreachable address is worth another; an answer (even a bad one) is the policy host's word.
            if (!(last instanceof Fetched.Failed f && f.reason().startsWith("connect"))) return last;
        }
        return last;
    }

    private Fetched fetchFrom(String host, InetAddress address) {
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        try (Socket plain = new Socket()) {
            try {
                plain.connect(new InetSocketAddress(address, settings.httpsPort()), (int) settings.connectTimeout().toMillis());
            } catch (IOException e) {
                return failed("connect to " + address.getHostAddress() + " failed: " + e.getMessage());
            }
            plain.setSoTimeout((int) settings.readTimeout().toMillis());
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, settings.httpsPort(), true)) {
                var parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(host)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                try {
                    socket.startHandshake();
                } catch (SSLHandshakeException e) {
                    boolean certificate = causedBy(e, CertificateException.class);
                    return new Fetched.Failed("TLS with the policy host failed: " + e.getMessage(),
                            certificate ? FailureType.STS_WEBPKI_INVALID : FailureType.STS_POLICY_FETCH_ERROR);
                }
                OutputStream out = socket.getOutputStream();
                out.write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/plain\r\n"
                        + "User-Agent: tern\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return read(new Bounded(new java.io.BufferedInputStream(socket.getInputStream()), socket, deadline));
            }
        } catch (IOException e) {
            log.debug("MTA-STS fetch from {} failed: {}", host, e.toString());
            return failed("policy fetch failed: " + e.getMessage());
        }
    }

    private static Fetched read(Bounded in) throws IOException {
        String status = in.line();
        // HTTP/1.1 §4 (RFC 9112 §4): status-line = HTTP-version SP status-code SP [reason-phrase]
        if (!status.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) return failed("not an HTTP response");
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        String type = null;
        for (int count = 0; ; count++) {
            String line = in.line();
            if (line.isEmpty()) break;
            if (count > 100) return failed("too many header fields");
            int colon = line.indexOf(':');
            if (colon <= 0) return failed("malformed header field");
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    if (!value.matches("[0-9]{1,12}") || length >= 0) return failed("bad Content-Length");
                    length = Long.parseLong(value);
                }
                case "transfer-encoding" -> {
                    if (!value.equalsIgnoreCase("chunked")) return failed("unsupported transfer coding");
                    chunked = true;
                }
                case "content-type" -> type = value;
                default -> { }
            }
        }
        // RFC 8461 §3.3: "HTTP 3xx redirects MUST NOT be followed"; only 200 is a policy.
        if (code != 200) return failed("policy host answered HTTP " + code);
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("text/plain")) return failed("policy media type is not text/plain");
        byte[] body;
        if (chunked) body = in.chunked();
        else if (length >= 0) body = in.exactly(length);
        else body = in.toEnd();
        if (body == null) return failed("policy larger than " + StsSettings.MAX_POLICY_BYTES + " octets");
        try {
            return new Fetched.Body(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            return new Fetched.Failed("policy is not UTF-8 text", FailureType.STS_POLICY_INVALID);
        }
    }

    /** Reads within a deadline (each read's timeout is what is left) and within the header and body limits. */
    private static final class Bounded {
        private final InputStream in;
        private final Socket socket;
        private final long deadline;
        private int headerBytes;

        Bounded(InputStream in, Socket socket, long deadline) {
            this.in = in;
            this.socket = socket;
            this.deadline = deadline;
        }

        int read() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new IOException("policy fetch timed out");
            socket.setSoTimeout((int) Math.max(1, left));
            return in.read();
        }

        /** One header line, CRLF or LF ended, without the ending; bounded by the header limit. */
        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = read();
                if (b < 0) throw new IOException("connection closed in the header");
                if (++headerBytes > MAX_HEADER_BYTES) throw new IOException("response header too long");
                if (b == '\n') break;
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }

        byte[] exactly(long length) throws IOException {
            if (length > StsSettings.MAX_POLICY_BYTES) return null;
            byte[] body = new byte[(int) length];
            for (int i = 0; i < body.length; i++) {
                int b = read();
                if (b < 0) throw new IOException("connection closed in the body");
                body[i] = (byte) b;
            }
            return body;
        }

        byte[] toEnd() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int b; (b = read()) >= 0; ) {
                if (body.size() >= StsSettings.MAX_POLICY_BYTES) return null;
                body.write(b);
            }
            return body.toByteArray();
        }

        /** RFC 9112 §7.1: chunk-size [ext] CRLF data CRLF ... 0 CRLF [trailers] CRLF. */
        byte[] chunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line().split(";", 2)[0].strip();
                if (!size.matches("[0-9A-Fa-f]{1,8}")) throw new IOException("bad chunk size");
                long n = Long.parseLong(size, 16);
                if (n == 0) break;
                if (body.size() + n > StsSettings.MAX_POLICY_BYTES) return null;
                body.writeBytes(exactly(n));
                if (!line().isEmpty()) throw new IOException("chunk not ended by CRLF");
            }
            for (int count = 0; !line().isEmpty(); count++) {
                if (count > 100) throw new IOException("too many trailer fields");
            }
            return body.toByteArray();
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    private static Fetched failed(String reason) {
        return new Fetched.Failed(reason, FailureType.STS_POLICY_FETCH_ERROR);
    }

    private static String collect(Lookup<InetAddress> lookup, List<InetAddress> into) {
        return switch (lookup) {
            case Lookup.Found<InetAddress> found -> {
                into.addAll(found.records());
                yield null;
            }
            case Lookup.NoData<InetAddress> none -> null;
            case Lookup.NxDomain<InetAddress> none -> null;
            case Lookup.TempFail<InetAddress> failed -> failed.reason();
        };
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
