// ImapBench: the IMAP benchmark of issue 8, the same client against any IMAP server on loopback (Tern,
// Dovecot, ...). A single file, no dependencies, Java 25, raw sockets: it parses no more than it must (lines,
// literals, the tagged reply, "* n EXISTS", "* SEARCH"), so the client costs the same against every server.
//
//   java bench/ImapBench.java MODE HOST:PORT --user U --password P [options]
//
// Modes (each prints a report and ends with one machine-readable "RESULT mode k=v ..." line):
//   clear    empty INBOX: STORE 1:* +FLAGS.SILENT (\Deleted), EXPUNGE (so the next fill starts from 0)
//   fill     put --count 10000 messages (~0.5 KiB; every --match-every 100th carries the search word) into
//            INBOX: with --maildir DIR by writing files into DIR/tmp and renaming them into DIR/new (the server
//            sees them only at its next look: "first SELECT after files appeared"), else by APPEND (lock-step)
//   append   timed APPEND of --count 1000 messages into INBOX, lock-step (one APPEND, its tagged OK, the
//            next): {n+} literals if the server offers LITERAL+ (or LITERAL- and n <= 4096), else
//            synchronising literals ({n}, wait for "+"); msgs/s and p50/p99 per APPEND
//   points   on a new connection the first SELECT INBOX; on a second connection SELECT again, then
//            FETCH 1:* (UID FLAGS), FETCH 1:* (ENVELOPE) twice, SEARCH TEXT "word" twice, and UID FETCH of
//            the middle message's BODY.PEEK[] and then BODY[] (which sets \\Seen); seconds each (write of the command to its tagged reply)
//   idle     IDLE latency: --sessions 10 sessions SELECT INBOX and IDLE; then --deliveries 100 messages
//            arrive one after another (--via append: an APPEND from another connection, t0 = its tagged OK;
//            --via file --maildir DIR: a file renamed into DIR/new, t0 = after the rename), each waited
//            for on every session ("* n EXISTS") up to --wait-s 10; latency per session and delivery: p50/p99
//   memory   idle session memory: opens --sessions 1000 sessions (--parallel 20 at a time), each LOGIN,
//            SELECT INBOX, IDLE; holds them --hold-s 5; reads the server's memory (--pid PID): for a process
//            tree (Dovecot's master) the PSS of /proc/P/smaps_rollup summed over PID and its descendants, and
//            of the "imap" processes alone; for a JVM its RSS, and with --jcmd the heap used after a full GC
//            (jcmd PID GC.run, then GC.heap_info); each before and while held, per session; then every
//            session must end IDLE with DONE -> OK
//
// points and append take --pid PID too: the server's CPU (utime+stime, summed over PID's process tree) per
// timed command (points: KEY_cpu_ms) or per APPENDed message (cpu_ms_per_msg); it varies less than times.
// Common options: --user U --password P (LOGIN), --mailbox INBOX, --timeout-s 120 (any one reply),
// --max-s 600 (hard bound of the run), --word zebracorn (the SEARCH TEXT word), --size 512 (message bytes).
// All traffic goes to HOST:PORT, which must be a loopback address; every loop is bounded in count and time.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.regex.*;

public class ImapBench {
    static String host;
    static int port;
    static final Map<String, String> opt = new HashMap<>();
    static final Set<String> FLAGS = Set.of("jcmd");
    static int timeoutMs;
    static long hardDeadline;
    static String user, password, mailbox, word;
    static int size;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java bench/ImapBench.java clear|fill|append|points|idle|memory HOST:PORT --user U --password P [options]");
            System.exit(2);
        }
        String mode = args[0];
        int colon = args[1].lastIndexOf(':');
        if (colon < 0) fail("HOST:PORT expected, got " + args[1]);
        host = args[1].substring(0, colon).replace("[", "").replace("]", "");
        port = Integer.parseInt(args[1].substring(colon + 1));
        if (!InetAddress.getByName(host).isLoopbackAddress()) fail("refusing: " + host + " is not a loopback address");
        for (int i = 2; i < args.length; i++) {
            if (!args[i].startsWith("--")) fail("unexpected argument " + args[i]);
            String k = args[i].substring(2);
            if (FLAGS.contains(k)) opt.put(k, "true");
            else if (i + 1 < args.length) opt.put(k, args[++i]);
            else fail("option --" + k + " needs a value");
        }
        user = need("user");
        password = need("password");
        mailbox = opt.getOrDefault("mailbox", "INBOX");
        word = opt.getOrDefault("word", "zebracorn");
        size = intOpt("size", 512);
        timeoutMs = intOpt("timeout-s", 120) * 1000;
        hardDeadline = System.nanoTime() + intOpt("max-s", 600) * 1_000_000_000L;
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            long left;
            while ((left = hardDeadline - System.nanoTime()) > 0) {
                try { Thread.sleep(Math.min(left / 1_000_000 + 1, 1000)); } catch (InterruptedException e) { return; }
            }
            System.err.println("ImapBench: --max-s reached, giving up");
            System.out.println("RESULT " + mode + " error=max_s_reached");
            System.out.flush();
            Runtime.getRuntime().halt(3);
        });
        try {
            switch (mode) {
                case "clear" -> clear();
                case "fill" -> fill();
                case "append" -> append();
                case "points" -> points();
                case "idle" -> idle();
                case "memory" -> memory();
                default -> fail("unknown mode " + mode);
            }
        } catch (ImapException | IOException e) {
            System.err.println("ImapBench " + mode + " against " + host + ":" + port + ": " + e.getMessage());
            System.out.println("RESULT " + mode + " error=" + e.getClass().getSimpleName());
            System.exit(1);
        }
        watchdog.interrupt();
    }

    static String need(String k) {
        String v = opt.get(k);
        if (v == null) fail("--" + k + " is required");
        return v;
    }

    static int intOpt(String k, int def) { return opt.containsKey(k) ? Integer.parseInt(opt.get(k)) : def; }

    static void fail(String msg) {
        System.err.println("ImapBench: " + msg);
        System.exit(2);
    }

    static final class ImapException extends Exception {
        ImapException(String m) { super(m); }
    }

    // ---------------------------------------------------------------- one connection

    /** A tagged reply: its status line, the untagged lines seen on the way (only if kept), bytes and lines. */
    record Reply(String status, String text, List<String> kept, long bytes, int lines, long nanos) {
        boolean ok() { return status.equals("OK"); }
    }

    static final class Conn implements Closeable {
        final Socket s;
        final InputStream in;
        final OutputStream out;
        int tagN;
        Set<String> caps = Set.of();
        long bytesRead;

        Conn() throws IOException, ImapException {
            s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, port), 10_000);
            } catch (IOException e) {
                throw new ImapException("cannot connect to " + host + ":" + port + ": " + e.getMessage() + " (is the server running?)");
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMs);
            in = new BufferedInputStream(s.getInputStream(), 65536);
            out = new BufferedOutputStream(s.getOutputStream(), 65536);
            String greeting = line();
            if (greeting == null) throw new ImapException("connection closed before the greeting");
            if (!greeting.startsWith("* OK") && !greeting.startsWith("* PREAUTH"))
                throw new ImapException("unexpected greeting: " + greeting);
        }

        /** Connects and logs in; fails with the server's text on NO/BAD. */
        static Conn login() throws IOException, ImapException {
            Conn c = new Conn();
            Reply r = c.cmd("LOGIN " + quote(user) + " " + quote(password));
            if (!r.ok()) { c.close(); throw new ImapException("LOGIN failed: " + r.status + " " + r.text); }
            Reply cap = c.cmd("CAPABILITY", l -> l.startsWith("* CAPABILITY"));
            for (String l : cap.kept) c.caps = new HashSet<>(Arrays.asList(l.substring(13).toUpperCase(Locale.ROOT).split(" ")));
            return c;
        }

        String nextTag() { return "a" + (++tagN); }

        /** One line without CRLF, or null at end of stream. Literals are NOT handled here. */
        String line() throws IOException {
            StringBuilder b = new StringBuilder(128);
            int ch;
            while ((ch = in.read()) >= 0) {
                bytesRead++;
                if (ch == '\n') {
                    int n = b.length();
                    if (n > 0 && b.charAt(n - 1) == '\r') b.setLength(n - 1);
                    return b.toString();
                }
                if (b.length() < 1_000_000) b.append((char) ch);
            }
            return b.length() > 0 ? b.toString() : null;
        }

        static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");

        /**
         * One response: a line, and if it ends with a literal {n}, its n bytes (skipped, not kept) and the
         * rest of the line, repeatedly. Returns the text with each literal replaced by "{n}"; null at EOF.
         */
        String response() throws IOException, ImapException {
            String l = line();
            if (l == null) return null;
            if (!l.endsWith("}")) return l;
            StringBuilder all = new StringBuilder(l);
            for (int guard = 0; guard < 100_000; guard++) {
                Matcher m = LITERAL.matcher(all);
                if (!m.find()) return all.toString();
                long n = Long.parseLong(m.group(1));
                if (n > 1L << 31) throw new ImapException("literal of " + n + " bytes");
                try { in.skipNBytes(n); } catch (EOFException e) { throw new ImapException("connection closed inside a literal"); }
                bytesRead += n;
                String rest = line();
                if (rest == null) throw new ImapException("connection closed inside a literal");
                all.append(rest);
            }
            throw new ImapException("too many literals in one response");
        }

        Reply cmd(String command) throws IOException, ImapException { return cmd(command, null); }

        /** Sends TAG command, reads to the tagged reply; keeps the untagged lines that keep accepts. */
        Reply cmd(String command, java.util.function.Predicate<String> keep) throws IOException, ImapException {
            String tag = nextTag();
            long t0 = System.nanoTime();
            out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return tagged(tag, keep, t0);
        }

        Reply tagged(String tag, java.util.function.Predicate<String> keep, long t0) throws IOException, ImapException {
            long b0 = bytesRead;
            int lines = 0;
            List<String> kept = new ArrayList<>();
            String prefix = tag + " ";
            for (;;) {
                if (System.nanoTime() > hardDeadline) throw new ImapException("--max-s reached waiting for " + tag);
                String l;
                try { l = response(); }
                catch (SocketTimeoutException e) { throw new ImapException("no tagged reply to " + tag + " within " + timeoutMs / 1000 + " s"); }
                if (l == null) throw new ImapException("connection closed while waiting for " + tag + " (after " + lines + " lines)");
                lines++;
                if (l.startsWith(prefix)) {
                    String rest = l.substring(prefix.length());
                    int sp = rest.indexOf(' ');
                    String st = (sp < 0 ? rest : rest.substring(0, sp)).toUpperCase(Locale.ROOT);
                    return new Reply(st, sp < 0 ? "" : rest.substring(sp + 1), kept, bytesRead - b0, lines, System.nanoTime() - t0);
                }
                if (l.startsWith("* BYE")) throw new ImapException("server said " + l);
                if (keep != null && keep.test(l)) kept.add(l);
            }
        }

        /** SELECT the benchmark mailbox; returns the Reply, its EXISTS in kept[0] form "* n EXISTS". */
        int select(Reply[] holder) throws IOException, ImapException {
            Reply r = cmd("SELECT " + quote(mailbox), l -> l.endsWith(" EXISTS"));
            if (!r.ok()) throw new ImapException("SELECT " + mailbox + ": " + r.status + " " + r.text);
            if (holder != null) holder[0] = r;
            int exists = -1;
            for (String l : r.kept) exists = Integer.parseInt(l.substring(2, l.length() - 7).strip());
            return exists;
        }

        boolean literalPlus(int n) { return caps.contains("LITERAL+") || (caps.contains("LITERAL-") && n <= 4096); }

        /** APPEND one message, lock-step; returns the tagged reply (nanos = write of APPEND to the tagged line). */
        Reply append(byte[] msg) throws IOException, ImapException {
            String tag = nextTag();
            long t0 = System.nanoTime();
            if (literalPlus(msg.length)) {
                out.write((tag + " APPEND " + quote(mailbox) + " {" + msg.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(msg);
                out.write('\r'); out.write('\n');
                out.flush();
            } else {
                out.write((tag + " APPEND " + quote(mailbox) + " {" + msg.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int guard = 0; ; guard++) {
                    String l;
                    try { l = response(); }
                    catch (SocketTimeoutException e) { throw new ImapException("no continuation for APPEND within " + timeoutMs / 1000 + " s"); }
                    if (l == null) throw new ImapException("connection closed during APPEND");
                    if (l.startsWith("+")) break;
                    if (l.startsWith(tag + " ")) throw new ImapException("APPEND refused: " + l);
                    if (guard > 10_000) throw new ImapException("no continuation for APPEND");
                }
                out.write(msg);
                out.write('\r'); out.write('\n');
                out.flush();
            }
            Reply r = tagged(tag, null, t0);
            if (!r.ok()) throw new ImapException("APPEND: " + r.status + " " + r.text);
            return r;
        }

        void logout() {
            try { cmd("LOGOUT"); } catch (Exception ignored) { }
            close();
        }

        @Override public void close() { try { s.close(); } catch (IOException ignored) { } }
    }

    static String quote(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }

    // ---------------------------------------------------------------- messages

    static final String[] NAMES = {"Alice Archer", "Bob Baker", "Carol Cooper", "Dan Dyer", "Erin Fisher", "Frank Gardner"};
    static final String[] WORDS = ("quarterly report meeting agenda budget draft review project status update invoice "
            + "schedule travel lunch notes summary proposal contract deadline release feedback question answer").split(" ");

    /** Message i: ~size bytes, headers for a real ENVELOPE; the search word in every matchEvery-th one. */
    static byte[] message(int i, int matchEvery, String runId) {
        Random r = new Random(i * 7919L + 17);
        String from = NAMES[i % NAMES.length];
        String to = NAMES[(i + 3) % NAMES.length];
        StringBuilder b = new StringBuilder(size + 128);
        b.append("Return-Path: <").append(addr(from)).append(">\r\n");
        b.append("From: ").append(from).append(" <").append(addr(from)).append(">\r\n");
        b.append("To: ").append(to).append(" <").append(addr(to)).append(">\r\n");
        if (i % 5 == 0) b.append("Cc: ").append(NAMES[(i + 1) % NAMES.length]).append(" <").append(addr(NAMES[(i + 1) % NAMES.length])).append(">\r\n");
        b.append("Subject: ").append(WORDS[r.nextInt(WORDS.length)]).append(' ').append(WORDS[r.nextInt(WORDS.length)]).append(" #").append(i).append("\r\n");
        b.append("Date: ").append(String.format(Locale.ROOT, "Mon, 1 Dec 2025 %02d:%02d:%02d +0000", (i / 3600) % 24, (i / 60) % 60, i % 60)).append("\r\n");
        b.append("Message-ID: <").append(runId).append('.').append(i).append("@bench.example>\r\n");
        b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        boolean match = matchEvery > 0 && i % matchEvery == matchEvery / 2;
        int lineLen = 0;
        int wordsPut = 0;
        while (b.length() < size - 2) {
            String w = (match && wordsPut == 20) ? word : WORDS[r.nextInt(WORDS.length)];
            wordsPut++;
            b.append(w);
            lineLen += w.length() + 1;
            if (lineLen > 66) { b.append("\r\n"); lineLen = 0; } else b.append(' ');
        }
        if (match && wordsPut <= 20) b.append(word);
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static String addr(String name) { return name.toLowerCase(Locale.ROOT).replace(' ', '.') + "@bench.example"; }

    static String runId() { return Long.toString(System.currentTimeMillis(), 36) + ProcessHandle.current().pid(); }

    // ---------------------------------------------------------------- modes

    static void clear() throws Exception {
        try (Conn c = Conn.login()) {
            int exists = c.select(null);
            long t0 = System.nanoTime();
            if (exists > 0) {
                Reply s = c.cmd("STORE 1:* +FLAGS.SILENT (\\Deleted)");
                if (!s.ok()) throw new ImapException("STORE: " + s.status + " " + s.text);
                Reply e = c.cmd("EXPUNGE");
                if (!e.ok()) throw new ImapException("EXPUNGE: " + e.status + " " + e.text);
            }
            int after = c.select(null);
            System.out.printf(Locale.ROOT, "cleared %s: %d messages before, %d after (%.3f s)%n", mailbox, exists, after, secs(System.nanoTime() - t0));
            System.out.printf(Locale.ROOT, "RESULT clear before=%d after=%d%n", exists, after);
            c.logout();
        }
    }

    static void fill() throws Exception {
        int count = intOpt("count", 10_000);
        int every = intOpt("match-every", 100);
        String id = runId();
        long t0 = System.nanoTime();
        String how;
        if (opt.containsKey("maildir")) {
            Path dir = Path.of(opt.get("maildir"));
            Path tmp = dir.resolve("tmp"), nw = dir.resolve("new");
            if (!Files.isDirectory(tmp) || !Files.isDirectory(nw)) fail(dir + " is not a Maildir (no tmp/ and new/)");
            long now = System.currentTimeMillis() / 1000;
            for (int i = 0; i < count; i++) {
                if (System.nanoTime() > hardDeadline) throw new ImapException("--max-s reached after " + i + " files");
                String name = now + ".B" + i + "R" + id + ".imapbench";
                Path t = tmp.resolve(name);
                Files.write(t, message(i, every, id));
                Files.move(t, nw.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            how = "files into " + nw;
        } else {
            try (Conn c = Conn.login()) {
                for (int i = 0; i < count; i++) c.append(message(i, every, id));
                c.logout();
            }
            how = "APPEND";
        }
        int hits = every > 0 ? count / every + (count % every > every / 2 ? 1 : 0) : 0;
        System.out.printf(Locale.ROOT, "filled %s with %d messages by %s in %.2f s (%d contain \"%s\")%n", mailbox, count, how, secs(System.nanoTime() - t0), hits, word);
        System.out.printf(Locale.ROOT, "RESULT fill count=%d hits=%d secs=%.3f%n", count, hits, secs(System.nanoTime() - t0));
    }

    static String cpuPerMsg = "";

    static void append() throws Exception {
        int count = intOpt("count", 1000);
        String id = runId();
        long[] lat = new long[count];
        boolean plus;
        long t0, wall;
        try (Conn c = Conn.login()) {
            plus = c.literalPlus(size);
            c.select(null);
            long pid = opt.containsKey("pid") ? Long.parseLong(opt.get("pid")) : 0;
            double c0 = cpuMs(pid);
            t0 = System.nanoTime();
            for (int i = 0; i < count; i++) lat[i] = c.append(message(1_000_000 + i, 0, id)).nanos;
            wall = System.nanoTime() - t0;
            cpuPerMsg = pid > 0 ? String.format(Locale.ROOT, " cpu_ms_per_msg=%.2f", (cpuMs(pid) - c0) / count) : "";
            c.logout();
        }
        Arrays.sort(lat);
        System.out.printf(Locale.ROOT, "APPEND of %d messages (%s literals, lock-step): %.3f s, %.0f msgs/s, p50 %.2f ms, p99 %.2f ms%n",
                count, plus ? "non-synchronising {n+}" : "synchronising {n}", secs(wall), count / secs(wall), ms(pct(lat, 50)), ms(pct(lat, 99)));
        System.out.printf(Locale.ROOT, "RESULT append count=%d literal_plus=%s secs=%.3f per_s=%.0f p50_ms=%.2f p99_ms=%.2f%s%n",
                count, plus, secs(wall), count / secs(wall), ms(pct(lat, 50)), ms(pct(lat, 99)), cpuPerMsg);
    }

    static long cpuPid;
    static double cpu0;
    static void cpuStart() { if (cpuPid > 0) cpu0 = cpuMs(cpuPid); }
    static void cpuEnd(Map<String, String> res, String key) {
        if (cpuPid > 0) res.put(key + "_cpu_ms", String.format(Locale.ROOT, "%.0f", cpuMs(cpuPid) - cpu0));
    }

    static void points() throws Exception {
        cpuPid = opt.containsKey("pid") ? Long.parseLong(opt.get("pid")) : 0;
        Map<String, String> res = new LinkedHashMap<>();
        Reply[] h = new Reply[1];
        int exists;
        try (Conn c = Conn.login()) {
            cpuStart();
            exists = c.select(h);
            res.put("select1_s", f3(h[0].nanos));
            cpuEnd(res, "select1");
            c.logout();
        }
        try (Conn c = Conn.login()) {
            c.select(h);
            res.put("select2_s", f3(h[0].nanos));
            int mid = Math.max(1, exists / 2);
            String midPrefix = "* " + mid + " FETCH";
            cpuStart();
            Reply f = c.cmd("FETCH 1:* (UID FLAGS)", l -> l.startsWith(midPrefix));
            check(f, "FETCH (UID FLAGS)");
            res.put("fetch_flags_s", f3(f.nanos));
            cpuEnd(res, "fetch_flags");
            res.put("fetch_flags_lines", Integer.toString(f.lines - 1));
            cpuStart();
            Reply e1 = check(c.cmd("FETCH 1:* (ENVELOPE)"), "FETCH (ENVELOPE)");
            res.put("fetch_envelope_s", f3(e1.nanos));
            cpuEnd(res, "fetch_envelope");
            res.put("fetch_envelope_kib", Long.toString(e1.bytes / 1024));
            Reply e2 = check(c.cmd("FETCH 1:* (ENVELOPE)"), "FETCH (ENVELOPE)");
            res.put("fetch_envelope2_s", f3(e2.nanos));
            for (int k = 1; k <= 2; k++) {
                cpuStart();
                Reply s = check(c.cmd("SEARCH TEXT " + quote(word), l -> l.startsWith("* SEARCH")), "SEARCH TEXT");
                int hits = 0;
                for (String l : s.kept) { String t = l.substring(8).strip(); if (!t.isEmpty()) hits += t.split(" +").length; }
                res.put("search" + (k == 1 ? "" : "2") + "_s", f3(s.nanos));
                cpuEnd(res, "search" + (k == 1 ? "" : "2"));
                res.put("search_hits", Integer.toString(hits));
            }
            String uid = null;
            for (String l : f.kept) { Matcher m = Pattern.compile("UID (\\d+)").matcher(l); if (m.find()) uid = m.group(1); }
            if (uid != null) {
                Reply pk = check(c.cmd("UID FETCH " + uid + " BODY.PEEK[]"), "UID FETCH BODY.PEEK[]");
                res.put("uid_fetch_peek_ms", String.format(Locale.ROOT, "%.2f", ms(pk.nanos)));
                Reply b = check(c.cmd("UID FETCH " + uid + " BODY[]"), "UID FETCH BODY[]");
                res.put("uid_fetch_body_ms", String.format(Locale.ROOT, "%.2f", ms(b.nanos)));
                res.put("uid_fetch_body_bytes", Long.toString(b.bytes));
            }
            c.logout();
        }
        res.put("exists", Integer.toString(exists));
        System.out.printf(Locale.ROOT, "%s with %d messages:%n", mailbox, exists);
        res.forEach((k, v) -> System.out.printf("  %-22s %s%n", k, v));
        StringBuilder b = new StringBuilder("RESULT points");
        res.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        System.out.println(b);
    }

    static Reply check(Reply r, String what) throws ImapException {
        if (!r.ok()) throw new ImapException(what + ": " + r.status + " " + r.text);
        return r;
    }

    /** An IDLE session: a reader thread records when each EXISTS count was first seen. */
    static final class Idler {
        final Conn c;
        final String tag;
        volatile int exists;
        final long[] seenAt;       // seenAt[d] = nanoTime when EXISTS >= base + d + 1 was first read
        final int base;
        volatile CountDownLatch[] latches;
        volatile boolean done;
        volatile String error;
        Thread reader;

        Idler(int deliveries) throws Exception {
            c = Conn.login();
            base = c.select(null);
            exists = base;
            seenAt = new long[deliveries];
            tag = c.nextTag();
            c.out.write((tag + " IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            String l = c.response();
            for (int g = 0; l != null && !l.startsWith("+") && g < 1000; g++) {
                if (l.startsWith(tag + " ")) throw new ImapException("IDLE refused: " + l);
                l = c.response();
            }
            if (l == null || !l.startsWith("+")) throw new ImapException("no continuation for IDLE");
            c.s.setSoTimeout(0);   // bounded by the coordinator, which closes the socket
        }

        void start(CountDownLatch[] ls) {
            latches = ls;
            reader = Thread.ofVirtual().start(() -> {
                try {
                    for (;;) {
                        String l = c.response();
                        long now = System.nanoTime();
                        if (l == null) { if (!done) error = "closed"; return; }
                        if (l.startsWith("* ") && l.endsWith(" EXISTS")) {
                            int n = Integer.parseInt(l.substring(2, l.length() - 7).strip());
                            for (int d = exists - base; d < n - base && d < seenAt.length; d++) {
                                if (d >= 0 && seenAt[d] == 0) { seenAt[d] = now; latches[d].countDown(); }
                            }
                            exists = Math.max(exists, n);
                        } else if (l.startsWith(tag + " ")) {
                            return;   // the tagged OK after DONE
                        }
                    }
                } catch (Exception e) {
                    if (!done) error = e.toString();
                }
            });
        }

        boolean finish() {
            done = true;
            try {
                c.out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
                c.out.flush();
                reader.join(Duration5s);
            } catch (Exception e) { return false; }
            boolean ended = !reader.isAlive();
            c.logout();
            return ended;
        }
    }

    static final java.time.Duration Duration5s = java.time.Duration.ofSeconds(5);

    static void idle() throws Exception {
        int k = intOpt("sessions", 10);
        int n = intOpt("deliveries", 100);
        int waitMs = intOpt("wait-s", 10) * 1000;
        String via = opt.getOrDefault("via", "append");
        Path maildir = opt.containsKey("maildir") ? Path.of(opt.get("maildir")) : null;
        if (via.equals("file") && maildir == null) fail("--via file needs --maildir DIR");
        if (!via.equals("file") && !via.equals("append")) fail("--via append|file");
        List<Idler> idlers = new ArrayList<>();
        CountDownLatch[] latches = new CountDownLatch[n];
        for (int d = 0; d < n; d++) latches[d] = new CountDownLatch(k);
        long[] t0s = new long[n];
        int missed = 0;
        String id = runId();
        Conn sender = null;
        try {
            for (int i = 0; i < k; i++) idlers.add(new Idler(n));
            for (Idler x : idlers) x.start(latches);
            if (via.equals("append")) { sender = Conn.login(); sender.select(null); }
            for (int d = 0; d < n; d++) {
                if (System.nanoTime() > hardDeadline - 10_000_000_000L) { n = d; System.err.println("stopping early: --max-s"); break; }
                byte[] msg = message(2_000_000 + d, 0, id);
                if (sender != null) {
                    sender.append(msg);
                    t0s[d] = System.nanoTime();
                } else {
                    String name = (System.currentTimeMillis() / 1000) + ".I" + d + "R" + id + ".imapbench";
                    Path t = maildir.resolve("tmp").resolve(name);
                    Files.write(t, msg);
                    Files.move(t, maildir.resolve("new").resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    t0s[d] = System.nanoTime();
                }
                if (!latches[d].await(waitMs, TimeUnit.MILLISECONDS)) missed++;
            }
        } finally {
            if (sender != null) sender.logout();
        }
        List<Long> lat = new ArrayList<>();
        int notSeen = 0;
        for (Idler x : idlers) {
            for (int d = 0; d < n; d++) {
                if (x.seenAt[d] == 0) notSeen++;
                else lat.add(Math.max(0, x.seenAt[d] - t0s[d]));
            }
        }
        int ended = 0;
        List<String> errors = new ArrayList<>();
        for (Idler x : idlers) { if (x.error != null) errors.add(x.error); if (x.finish()) ended++; }
        long[] a = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "IDLE: %d sessions, %d deliveries by %s; %d notifications seen, %d not within %d s; p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d/%d sessions ended IDLE with OK%s%n",
                k, n, via, a.length, notSeen, waitMs / 1000, ms(pct(a, 50)), ms(pct(a, 99)), ms(pct(a, 100)), ended, k,
                errors.isEmpty() ? "" : "; errors: " + errors.subList(0, Math.min(3, errors.size())));
        System.out.printf(Locale.ROOT, "RESULT idle via=%s sessions=%d deliveries=%d seen=%d not_seen=%d deliveries_missed=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f ended=%d%n",
                via, k, n, a.length, notSeen, missed, ms(pct(a, 50)), ms(pct(a, 99)), ms(pct(a, 100)), ended);
    }

    static void memory() throws Exception {
        int m = intOpt("sessions", 1000);
        int par = intOpt("parallel", 20);
        int hold = intOpt("hold-s", 5);
        long pid = Long.parseLong(need("pid"));
        boolean jvm = isJava(pid);
        boolean jcmd = opt.containsKey("jcmd");
        if (jcmd && !jvm) fail("--jcmd: PID " + pid + " is not a java process");
        Mem before = mem(pid, jvm, jcmd);
        System.out.println("before: " + before);
        List<Conn> conns = Collections.synchronizedList(new ArrayList<>());
        List<String> tags = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        Semaphore sem = new Semaphore(par);
        long t0 = System.nanoTime();
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < m; i++) {
                sem.acquire();
                if (System.nanoTime() > hardDeadline - 30_000_000_000L) { sem.release(); firstError.compareAndSet(null, "--max-s near: stopped opening"); break; }
                ex.submit(() -> {
                    try {
                        Conn c = Conn.login();
                        c.select(null);
                        String tag = c.nextTag();
                        c.out.write((tag + " IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
                        c.out.flush();
                        String l = c.response();
                        if (l == null || !l.startsWith("+")) { c.close(); throw new ImapException("IDLE: " + l); }
                        synchronized (conns) { conns.add(c); tags.add(tag); }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.getMessage());
                    } finally {
                        sem.release();
                    }
                    return null;
                });
            }
        }
        double openS = secs(System.nanoTime() - t0);
        int held = conns.size();
        System.out.printf(Locale.ROOT, "opened %d of %d sessions in IDLE in %.1f s (%d errors%s); holding %d s%n",
                held, m, openS, errors.get(), firstError.get() == null ? "" : ": " + firstError.get(), hold);
        long holdEnd = System.nanoTime() + hold * 1_000_000_000L;
        while (System.nanoTime() < holdEnd) Thread.sleep(Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000));
        Mem during = mem(pid, jvm, jcmd);
        System.out.println("held:   " + during);
        // Each session must still be alive: DONE -> tagged OK.
        AtomicInteger ok = new AtomicInteger();
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < held; i++) {
                Conn c = conns.get(i);
                String tag = tags.get(i);
                sem.acquire();
                ex.submit(() -> {
                    try {
                        c.s.setSoTimeout(Math.min(timeoutMs, 30_000));
                        c.out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
                        c.out.flush();
                        if (c.tagged(tag, null, System.nanoTime()).ok()) ok.incrementAndGet();
                    } catch (Exception ignored) {
                    } finally {
                        c.logout();
                        sem.release();
                    }
                    return null;
                });
            }
        }
        double n = Math.max(1, held);
        StringBuilder r = new StringBuilder("RESULT memory");
        r.append(" sessions=").append(m).append(" held=").append(held).append(" done_ok=").append(ok.get())
                .append(" open_errors=").append(errors.get()).append(String.format(Locale.ROOT, " open_s=%.1f", openS));
        r.append(" server=").append(jvm ? "jvm" : "processes");
        r.append(String.format(Locale.ROOT, " rss_mib=%.1f rss_per_session_kib=%.1f", during.rssKb / 1024.0, (during.rssKb - before.rssKb) / n));
        if (!jvm) {
            r.append(String.format(Locale.ROOT, " pss_mib=%.1f pss_per_session_kib=%.1f imap_procs=%d imap_pss_per_session_kib=%.1f procs=%d",
                    during.pssKb / 1024.0, (during.pssKb - before.pssKb) / n, during.imapProcs,
                    during.imapProcs > 0 ? (during.imapPssKb - before.imapPssKb) / n : 0.0, during.procs));
        }
        if (during.heapKb >= 0) r.append(String.format(Locale.ROOT, " heap_mib=%.1f heap_per_session_kib=%.1f", during.heapKb / 1024.0, (during.heapKb - before.heapKb) / n));
        System.out.printf(Locale.ROOT, "%d/%d sessions ended IDLE with OK%n", ok.get(), held);
        if (jvm && !jcmd) System.out.println("note: RSS of a JVM includes heap not yet collected; pass --jcmd for the heap after a full GC");
        System.out.println(r);
    }

    record Mem(long rssKb, long pssKb, long imapPssKb, int imapProcs, int procs, long heapKb) {
        public String toString() {
            return String.format(Locale.ROOT, "RSS %.1f MiB (PID), PSS %.1f MiB over %d processes (%d imap: %.1f MiB)%s",
                    rssKb / 1024.0, pssKb / 1024.0, procs, imapProcs, imapPssKb / 1024.0,
                    heapKb >= 0 ? String.format(Locale.ROOT, ", heap after full GC %.1f MiB", heapKb / 1024.0) : "");
        }
    }

    static boolean isJava(long pid) {
        try { return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString().endsWith("/java"); }
        catch (IOException e) { return false; }
    }

    /** PID and all its descendants, from /proc/N/stat's PPID field. */
    static List<Long> tree(long root) throws IOException {
        Map<Long, Long> parent = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : ds) {
                try {
                    String st = Files.readString(p.resolve("stat"));
                    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                    parent.put(Long.parseLong(p.getFileName().toString()), Long.parseLong(f[1]));
                } catch (IOException | RuntimeException ignored) { }   // exited meanwhile
            }
        }
        List<Long> out = new ArrayList<>();
        for (long p : parent.keySet()) {
            long q = p;
            for (int d = 0; d < 64 && q > 1; d++) {
                if (q == root) { out.add(p); break; }
                Long up = parent.get(q);
                if (up == null) break;
                q = up;
            }
        }
        return out;
    }

    /** CPU ms (utime+stime+cutime+cstime) of PID and its descendants; exited children are in their parent's cutime. */
    static double cpuMs(long root) {
        if (root <= 0) return 0;
        long ticks = 0;
        try {
            for (long p : tree(root)) {
                try {
                    String st = Files.readString(Path.of("/proc/" + p + "/stat"));
                    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                } catch (IOException | RuntimeException ignored) { }
            }
        } catch (IOException e) { return 0; }
        return ticks * 10.0;   // USER_HZ is 100 on Linux
    }

    static long kb(String file, String key) {
        try {
            for (String l : Files.readAllLines(Path.of(file))) if (l.startsWith(key)) return Long.parseLong(l.replaceAll("\\D", ""));
        } catch (IOException | RuntimeException ignored) { }
        return 0;
    }

    static Mem mem(long pid, boolean jvm, boolean jcmd) throws Exception {
        if (!Files.exists(Path.of("/proc/" + pid))) throw new ImapException("no process " + pid);
        long heap = -1;
        if (jcmd) {
            jcmd(pid, "GC.run");
            String hi = jcmd(pid, "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(hi);
            if (m.find()) heap = Long.parseLong(m.group(1));
            else {
                Matcher z = Pattern.compile("used (\\d+)M").matcher(hi);
                if (z.find()) heap = Long.parseLong(z.group(1)) * 1024;
            }
        }
        long rss = kb("/proc/" + pid + "/status", "VmRSS:");
        long pss = 0, imapPss = 0;
        int imap = 0, procs = 0;
        for (long p : tree(pid)) {
            long v = kb("/proc/" + p + "/smaps_rollup", "Pss:");
            pss += v;
            procs++;
            String comm = "";
            try { comm = Files.readString(Path.of("/proc/" + p + "/comm")).strip(); } catch (IOException ignored) { }
            if (comm.equals("imap")) { imap++; imapPss += v; }
        }
        return new Mem(rss, pss, imapPss, imap, procs, heap);
    }

    static String jcmd(long pid, String cmd) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        return out;
    }

    // ---------------------------------------------------------------- numbers

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double secs(long nanos) { return nanos / 1e9; }
    static double ms(long nanos) { return nanos / 1e6; }
    static String f3(long nanos) { return String.format(Locale.ROOT, "%.3f", secs(nanos)); }
}
