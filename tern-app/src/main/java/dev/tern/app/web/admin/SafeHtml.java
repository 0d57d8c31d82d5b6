package dev.tern.app.web.admin;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

/**
 * A message's HTML part made safe to show: parsed by jsoup and rebuilt from an allow-list, so only markup that
 * cannot run, fetch or submit anything is left. This is the first of three locks; the console also shows the
 * result in an {@code <iframe sandbox>} and serves it under a CSP that forbids scripts and remote loads.
 *
 * <p>The allow-list is jsoup's {@link Safelist#relaxed()} (text, tables, lists, links, images; no script, style,
 * form, meta, svg, event handler or {@code style} attribute) with remote images taken away: an {@code <img>} keeps
 * its {@code src} only for a {@code data:} URL, so opening a message never tells its sender (tracking pixels),
 * as Thunderbird does by default. Links keep http, https and mailto and get {@code rel="noopener noreferrer"}.
 */
final class SafeHtml {
    private static final Safelist SAFELIST = Safelist.relaxed()
            .removeProtocols("img", "src", "http", "https")
            .addProtocols("img", "src", "data")
            .removeProtocols("a", "href", "ftp")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer");

    private SafeHtml() {}

    /** The allowed part of {@code html}, as a whole document with a UTF-8 charset. */
    static String clean(String html) {
        Document.OutputSettings output = new Document.OutputSettings().prettyPrint(false);
        String body = Jsoup.clean(html, "", SAFELIST, output);
        return "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>" + body + "</body></html>";
    }

    /** How many images of {@code html} load from a remote address: the ones {@link #clean} blocks. */
    static int remoteImages(String html) {
        return Jsoup.parse(html).select("img[src~=(?i)^\\s*(https?:)?//]").size();
    }
}
