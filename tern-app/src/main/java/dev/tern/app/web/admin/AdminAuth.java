package dev.tern.app.web.admin;

import dev.tern.app.web.HttpError;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebExchange;
import dev.tern.sasl.Credentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may use the console and the admin REST API: an account of the {@link dev.tern.auth.AccountStore} named in
 * {@code <data>/web/admins}. A login checks the password through the same {@link dev.tern.auth.AuthThrottle} as
 * SMTP AUTH and IMAP, answers the same for an unknown user and a bad password, and opens a session held only in
 * memory: a random 32-byte cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) with an idle timeout, and a
 * CSRF token that every state-changing request must echo in {@code X-Tern-CSRF}. Scripts may instead send
 * HTTP Basic with an admin account on each request (no cookie, so no CSRF token is needed).
 */
public final class AdminAuth {
    /** The session cookie's name. */
    public static final String COOKIE = "tern_session";
    /** The header that carries the CSRF token of the session. */
    public static final String CSRF_HEADER = "X-Tern-CSRF";
    static final Duration IDLE = Duration.ofMinutes(30);
    private static final int MAX_SESSIONS = 1000;

    /** An open console session. */
    private static final class Session {
        final String user;
        final String csrf;
        volatile Instant lastUsed;

        Session(String user, String csrf, Instant now) {
            this.user = user;
            this.csrf = csrf;
            this.lastUsed = now;
        }
    }

    /** The result of a login: the cookie value and the CSRF token. */
    public record Login(String user, String cookie, String csrf) {}

    private final WebContext context;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public AdminAuth(WebContext context) {
        this.context = context;
    }

    /** The admins file of a data directory. */
    public static Path adminsFile(Path dataDirectory) {
        return dataDirectory.resolve("web").resolve("admins");
    }

    /** The addresses in the admins file, lower-cased; none when it is absent. */
    public static TreeSet<String> readAdmins(Path dataDirectory) throws IOException {
        TreeSet<String> admins = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(adminsFile(dataDirectory), StandardCharsets.UTF_8)) {
                String address = line.strip();
                if (!address.isEmpty() && !address.startsWith("#")) admins.add(address.toLowerCase(Locale.ROOT));
            }
        } catch (NoSuchFileException e) {
            // no admins yet
        }
        return admins;
    }

    /** Replaces the admins file with {@code admins}: written to a temporary file (0600), synced, renamed. */
    public static void writeAdmins(Path dataDirectory, TreeSet<String> admins) throws IOException {
        dev.tern.app.DurableFiles.replace(adminsFile(dataDirectory),
                (String.join("\n", admins) + (admins.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8), true);
    }

    private boolean isAdmin(String user) throws IOException {
        return readAdmins(context.config().dataDirectory()).contains(user.toLowerCase(Locale.ROOT));
    }

    /**
     * Checks a username and password; an unknown user, a bad password and an account that is not an admin all
     * get the same 401, a throttled client a 429.
     */
    String check(WebExchange exchange, String user, String password) throws IOException {
        if (user == null || password == null || user.isEmpty() || user.length() > 320 || password.length() > 1024) {
            throw HttpError.unauthorized("wrong username or password");
        }
        Credentials.Check check = context.throttle().forClient(exchange.remoteAddress().getAddress())
                .verifyPassword(user, password);
        if (check == Credentials.Check.THROTTLED) throw HttpError.rateLimited("too many failed logins; wait", 5);
        if (check != Credentials.Check.ACCEPTED || !isAdmin(user)) {
            throw HttpError.unauthorized("wrong username or password");
        }
        return user.toLowerCase(Locale.ROOT);
    }

    /** Logs in: checks the password and opens a session. */
    Login login(WebExchange exchange, String user, String password) throws IOException {
        String admin = check(exchange, user, password);
        Instant now = context.clock().instant();
        sessions.values().removeIf(s -> s.lastUsed.plus(IDLE).isBefore(now));
        if (sessions.size() >= MAX_SESSIONS) throw HttpError.unavailable("too many console sessions", 60);
        String cookie = token();
        String csrf = token();
        sessions.put(cookie, new Session(admin, csrf, now));
        return new Login(admin, cookie, csrf);
    }

    /** Ends the session of this request's cookie, if any. */
    void logout(WebExchange exchange) {
        cookie(exchange).ifPresent(sessions::remove);
    }

    /** The Set-Cookie value for a session ({@code Max-Age=0} clears it). */
    String setCookie(String value, boolean secure, boolean clear) {
        return COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                + (clear ? "; Max-Age=0" : "");
    }

    /**
     * The admin this request acts for, or a 401: a live session cookie (with the CSRF header on anything but GET
     * and HEAD, else a 403) or HTTP Basic credentials of an admin account.
     */
    public String requireAdmin(WebExchange exchange) throws IOException {
        Optional<String> authorization = exchange.header("Authorization");
        if (authorization.isPresent() && authorization.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.get().substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw HttpError.unauthorized("the Basic credentials are not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) throw HttpError.unauthorized("the Basic credentials have no colon");
            return check(exchange, decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        Optional<String> cookie = cookie(exchange);
        Session session = cookie.map(sessions::get).orElse(null);
        Instant now = context.clock().instant();
        if (session == null || session.lastUsed.plus(IDLE).isBefore(now)) {
            cookie.ifPresent(sessions::remove);
            throw HttpError.unauthorized("log in first");
        }
        String method = exchange.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            String sent = exchange.header(CSRF_HEADER).orElse("");
            if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), session.csrf.getBytes(StandardCharsets.UTF_8))) {
                throw HttpError.forbidden("missing or wrong " + CSRF_HEADER + " header");
            }
        }
        session.lastUsed = now;
        return session.user;
    }

    /** The CSRF token of this request's session, if it has one. */
    Optional<String> csrf(WebExchange exchange) {
        return cookie(exchange).map(sessions::get).map(s -> s.csrf);
    }

    private static Optional<String> cookie(WebExchange exchange) {
        for (String header : exchange.raw().getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) return Optional.of(p.substring(COOKIE.length() + 1));
            }
        }
        return Optional.empty();
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
