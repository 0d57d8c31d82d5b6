package dev.tern.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Where the Maildir store keeps mail and how it names files.
 *
 * @param root     the directory holding {@code <domain>/<localpart>/} mailboxes
 * @param hostname the host part of unique file names; no {@code /}, {@code :} or control characters
 */
public record MaildirSettings(Path root, String hostname) {
    public MaildirSettings {
        if (root == null) throw new IllegalArgumentException("no root");
        if (hostname == null || hostname.isEmpty()) throw new IllegalArgumentException("no hostname");
        for (int i = 0; i < hostname.length(); i++) {
            char c = hostname.charAt(i);
            if (c == '/' || c == ':' || c <= 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("hostname unfit for a Maildir file name");
            }
        }
        root = root.toAbsolutePath().normalize();
    }

    /** Settings for {@code root}, named after this machine. */
    public static MaildirSettings of(Path root) {
        return new MaildirSettings(root, localHostname());
    }

    /** This machine's name, with '/' and ':' written as maildir.txt asks ({@code \057}, {@code \072}). */
    static String localHostname() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = "localhost"; // the name only makes file names unique across hosts sharing a Maildir
        }
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '/' -> sb.append("\\057");
                case ':' -> sb.append("\\072");
                default -> sb.append(c <= 0x20 || c == 0x7f ? '_' : c);
            }
        }
        return sb.isEmpty() ? "localhost" : sb.toString();
    }
}
