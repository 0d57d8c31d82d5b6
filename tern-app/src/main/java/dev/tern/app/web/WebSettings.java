package dev.tern.app.web;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The HTTP listener of the console, the REST and submission APIs, metrics and autoconfiguration ({@code web.*}).
 *
 * @param enabled     whether the listener runs at all ({@code web.enabled}, on by default)
 * @param listen      where it listens ({@code web.listen}); 127.0.0.1:8025 by default
 * @param tls         {@link Tls#AUTO}: plain HTTP on loopback addresses, HTTPS with the server's certificates on any
 *                    other; {@link Tls#ON} and {@link Tls#OFF} force one or the other
 * @param capture     capture mode ({@code tern run --capture}): accept every message for any domain, deliver none
 *                    outward, keep them all for the console and the capture API
 * @param maxRequest  the largest request body taken, in bytes; more is refused with 413
 */
public record WebSettings(boolean enabled, List<InetSocketAddress> listen, Tls tls, boolean capture, long maxRequest) {
    public static final int DEFAULT_PORT = 8025;
    public static final long DEFAULT_MAX_REQUEST = 64L * 1024 * 1024;

    public enum Tls { AUTO, ON, OFF }

    public WebSettings {
        listen = List.copyOf(listen);
        if (tls == null) throw new IllegalArgumentException("web tls mode is required");
        if (maxRequest < 1024) throw new IllegalArgumentException("web.max_request must be at least 1024 bytes");
    }

    public static WebSettings defaults() {
        return new WebSettings(true, List.of(new InetSocketAddress("127.0.0.1", DEFAULT_PORT)), Tls.AUTO, false,
                DEFAULT_MAX_REQUEST);
    }

    public WebSettings withEnabled(boolean value) {
        return new WebSettings(value, listen, tls, capture, maxRequest);
    }

    public WebSettings withListen(List<InetSocketAddress> value) {
        return new WebSettings(enabled, value, tls, capture, maxRequest);
    }

    public WebSettings withTls(Tls value) {
        return new WebSettings(enabled, listen, value, capture, maxRequest);
    }

    public WebSettings withCapture(boolean value) {
        return new WebSettings(enabled, listen, tls, value, maxRequest);
    }

    public WebSettings withMaxRequest(long value) {
        return new WebSettings(enabled, listen, tls, capture, value);
    }

    /** Whether a listener on {@code address} speaks HTTPS. */
    public boolean https(InetSocketAddress address) {
        return switch (tls) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> !address.getAddress().isLoopbackAddress();
        };
    }
}
