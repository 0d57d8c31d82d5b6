package dev.tern.app.config;

import dev.tern.app.web.WebSettings;

/**
 * The keys of {@code web.*} (docs/config.md): {@code enabled}, {@code listen}, {@code tls} ({@code auto},
 * {@code on}, {@code off}), {@code capture} and {@code max_request}. Other features of the web listener read their own keys of
 * the same section before {@link #finish} rejects what nobody read.
 */
final class WebSchema {
    private WebSchema() {}

    static WebSettings read(Section web) {
        WebSettings w = WebSettings.defaults();
        w = web.with("enabled", ConfigValues::bool, w, WebSettings::withEnabled);
        w = web.withList("listen", ConfigValues::listenAddress, w, WebSettings::withListen);
        w = web.with("tls", n -> tlsMode(ConfigValues.string(n)), w, WebSettings::withTls);
        w = web.with("capture", ConfigValues::bool, w, WebSettings::withCapture);
        w = web.with("max_request", n -> ConfigValues.size(n, 1024, 1L << 31), w, WebSettings::withMaxRequest);
        return w;
    }

    static void finish(Section web) {
        web.rejectUnknown();
    }

    private static WebSettings.Tls tlsMode(String text) {
        return switch (text) {
            case "auto" -> WebSettings.Tls.AUTO;
            case "on" -> WebSettings.Tls.ON;
            case "off" -> WebSettings.Tls.OFF;
            default -> throw new IllegalArgumentException("must be auto, on or off");
        };
    }
}
