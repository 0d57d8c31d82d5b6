// SmtpBench: the SMTP benchmarks that smtp-source can't do. A single file, no dependencies, Java 25:
//
//   java bench/SmtpBench.java MODE HOST:PORT [options]
//
// Modes (each prints a human-readable report and ends with one machine-readable "RESULT mode k=v ..." line):
//   e2e       end to end into a Maildir: send a burst (or a steady --rate R msgs/s) and watch the Maildir's new/
//             directory for the files (the Maildir may be another server's, behind a relay).
//             --maildir DIR (required: the mailbox directory; its new/ is watched), --sessions 10, --count 2000,
//             --size 10240, --to bench@localhost, --keep (reuse each session's connection; default: a new
//             connection per message, like smtp-source), --deliver-timeout-s 60, --warmup 200 (messages sent
//             and delivered first, not measured), --clean (delete the files in new/ first)
//   pipeline  pipelining vs lock-step on persistent connections: per-transaction latency and msgs/s for
//             lockstep (MAIL, RCPT, DATA, content, each waiting for its reply), pipe (MAIL+RCPT+DATA in one
//             write, RFC 2920) and pipe+ (the content and "." of one message written together with the next
//             MAIL+RCPT+DATA). --sessions 1, --count 2000 (per style), --size 1024, --styles lockstep,pipe,pipe+,
//             --per-connection 100 (messages per connection before QUIT and a new one: servers limit them)
//   storm     many clients connecting at the same instant: --clients 200 --rounds 10 --size 1024; each round
//             the clients wait on a barrier, then connect at once and each sends one message; errors by kind.
//   idle      idle sessions: --sessions 10000 --hold-s 60 --pid PID; opens the sessions (each EHLO), holds them,
//             then checks that each answers NOOP with 250; reports the server's RSS and, for a Java server,
//             the heap retained after a full GC (jcmd GC.run + GC.heap_info, and GC.class_histogram) per session.
//             --tls starttls (EHLO, STARTTLS, handshake, EHLO) or --tls implicit (SMTPS port: handshake, EHLO).
//   accept    acceptance like smtp-source, plaintext or TLS: a new connection per message, --sessions 10,
//             --size 1024, --secs 7 (measured time), --count 60000 (at most), --warmup 300 (not measured),
//             --tls none|starttls|implicit (STARTTLS: EHLO, STARTTLS, handshake, EHLO, then the transaction;
//             implicit: TLS from the first byte, for an SMTPS port), --user U --password P (AUTH PLAIN before
//             MAIL; SMTPS and submission require it; MAIL FROM is then U unless --from), --tls-version TLSv1.3
//             or TLSv1.2 (default: the client's, 1.3 then 1.2), --resume (reuse TLS sessions; default: every
//             handshake a full one). msgs/s, latency per message (connect to the reply to QUIT), server CPU.
//             "{i}" in --user and --from is the session's number (one account per session: AUTH throttles that
//             count logins in flight per account then don't apply); --source-spread: session i connects from
//             127.0.0.(10+i) (one client address per session, for per-address limits).
//   handshake TLS handshakes per second on an implicit-TLS (SMTPS) port: connect, full handshake, read the 220
//             over TLS, close. --sessions 10 (threads), --secs 7, --warmup 500, --tls-version, --resume,
//             --no-greeting (close right after the handshake). Server CPU ms per handshake with --pid.
//
// TLS options: --sni localhost (server name sent; the certificate is NOT checked: see tlsContext()).
//
// Common options: --pid PID (server process: its CPU per message, summed over its process tree), --threads platform|virtual (sending sessions' threads; default platform), --from bench@client.test, --timeout-s 30 (socket reads), --max-s 300 (hard bound of a run).
// All traffic goes to HOST:PORT, which must be a loopback address.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import javax.net.ssl.*;
import java.security.cert.X509Certificate;

public class SmtpBench {
    static String host;
    static int port;
    static Map<String, String> opt = new HashMap<>();
    static final Set<String> FLAGS = Set.of("keep", "clean", "resume", "no-greeting", "source-spread");
    static int timeoutMs;
    static long hardDeadline;
    static String from, to;
    static String sni;
    static String[] tlsProtocols;
    /** The index of the sending session on this thread ({user} in --user and --from, --source-spread). */
    static final ThreadLocal<Integer> SESSION = ThreadLocal.withInitial(() -> 0);   // --tls-version TLSv1.3 / TLSv1.2; default: the JDK client's (1.3 and 1.2)

    public static void main(String[] args) throws Exception {
        if (args.length < 2) { usage(); System.exit(2); }
        String mode = args[0];
        String[] hp = args[1].split(":");
        host = hp[0];
        port = Integer.parseInt(hp[1]);
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) { usage(); System.exit(2); }
            String k = a.substring(2);
            if (FLAGS.contains(k)) opt.put(k, "true");
            else if (i + 1 < args.length) opt.put(k, args[++i]);
            else { usage(); System.exit(2); }
        }
        InetAddress addr = InetAddress.getByName(host);
        if (!addr.isLoopbackAddress()) {
            System.err.println("refusing: " + host + " is not a loopback address");
            System.exit(2);
        }
        timeoutMs = intOpt("timeout-s", 30) * 1000;
        hardDeadline = System.nanoTime() + intOpt("max-s", 300) * 1_000_000_000L;
        from = opt.getOrDefault("from", opt.getOrDefault("user", "bench@client.test"));   // AUTH: the account's own address
        sni = opt.getOrDefault("sni", "localhost");
        if (opt.containsKey("tls-version")) tlsProtocols = opt.get("tls-version").split(",");
        to = opt.getOrDefault("to", "bench@localhost");
        // A watchdog: whatever happens, the run ends.
        Thread wd = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.nanoTime() < hardDeadline + 30_000_000_000L) Thread.sleep(1000);
                System.err.println("SmtpBench: hard time limit reached, exiting");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) { }
        });
        switch (mode) {
            case "e2e" -> e2e();
            case "pipeline" -> pipeline();
            case "storm" -> storm();
            case "idle" -> idle();
            case "accept" -> accept();
            case "handshake" -> handshake();
            default -> { usage(); System.exit(2); }
        }
        System.exit(0);
    }

    static void usage() {
        System.err.println("usage: java bench/SmtpBench.java e2e|pipeline|storm|idle|accept|handshake HOST:PORT [--option value ...]"
                + "\n  (see the comment at the top of bench/SmtpBench.java and bench/README.md)");
    }

    /** Threads for the sending sessions: platform threads (default; cheapest for tens to hundreds of busy
     *  sessions on a small machine), or virtual with --threads virtual. The idle mode always uses virtual threads. */
    static ExecutorService sessionsExecutor() {
        return "virtual".equals(opt.get("threads")) ? Executors.newVirtualThreadPerTaskExecutor()
                : Executors.newThreadPerTaskExecutor(Thread.ofPlatform().stackSize(256 * 1024).factory());
    }

    static int intOpt(String k, int d) { return opt.containsKey(k) ? Integer.parseInt(opt.get(k)) : d; }

    // ---------------------------------------------------------------- a minimal SMTP client connection

    static final class Reply {
        final int code; final String text;
        Reply(int code, String text) { this.code = code; this.text = text; }
        public String toString() { return text.strip(); }
    }

    static final class SmtpException extends IOException {
        final String kind;
        SmtpException(String kind, String msg) { super(msg); this.kind = kind; }
    }

    static final class Conn implements Closeable {
        Socket s;
        InputStream in;
        OutputStream out;
        final byte[] buf = new byte[8192];
        int pos, lim;
        boolean pipelining;

        Conn() throws IOException { this(false); }

        /** implicitTls: TLS from the first byte (SMTPS, RFC 8314); the handshake is made here. */
        Conn(boolean implicitTls) throws IOException {
            s = new Socket();
            s.setTcpNoDelay(true);
            try {
                // --source-spread: session i connects from 127.0.0.(10+i), as if each session were its own client.
                if (opt.containsKey("source-spread")) s.bind(new InetSocketAddress("127.0.0." + (10 + SESSION.get() % 240), 0));
                s.connect(new InetSocketAddress(host, port), timeoutMs);
                s.setSoTimeout(timeoutMs);
                if (implicitTls) tls();
            } catch (IOException e) {
                s.close();
                throw e;
            }
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        /** Layers TLS over the connected socket and makes the handshake; the client's SNI is --sni (localhost). */
        void tls() throws IOException {
            SSLSocket t = (SSLSocket) tlsContext().getSocketFactory().createSocket(s, sni, port, true);
            t.setUseClientMode(true);
            if (tlsProtocols != null) t.setEnabledProtocols(tlsProtocols);
            t.startHandshake();
            s = t;
            in = t.getInputStream();
            out = t.getOutputStream();
            pos = lim = 0;   // nothing read before the handshake counts (RFC 3207 §4.2)
        }

        /** STARTTLS, the handshake, and EHLO again (RFC 3207 §4.2: the client must discard what it knew). */
        void startTls() throws IOException {
            send("STARTTLS");
            expect(220);
            tls();
            send("EHLO client.test");
            Reply r = expect(250);
            pipelining = r.text.toUpperCase(Locale.ROOT).contains("PIPELINING");
        }

        /** AUTH PLAIN with the initial response (RFC 4954, RFC 4616). */
        void authPlain(String user, String password) throws IOException {
            String ir = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            send("AUTH PLAIN " + ir);
            expect(235);
        }

        /** A full handshake next time: the session, and in TLS 1.3 the tickets it got, leave the client's cache. */
        void forgetTlsSession() {
            if (s instanceof SSLSocket t) t.getSession().invalidate();
        }

        Reply read() throws IOException {
            StringBuilder all = new StringBuilder();
            while (true) {
                String line = readLine();
                if (line == null) throw new SmtpException("closed", "connection closed by server");
                all.append(line).append('\n');
                if (line.length() < 3) throw new SmtpException("protocol", "bad reply line: " + line);
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    int code;
                    try { code = Integer.parseInt(line.substring(0, 3)); }
                    catch (NumberFormatException e) { throw new SmtpException("protocol", "bad reply: " + line); }
                    return new Reply(code, all.toString());
                }
            }
        }

        private String readLine() throws IOException {
            int start = pos, scan = pos;
            while (true) {
                for (int i = scan; i < lim; i++) {
                    if (buf[i] == '\n') {
                        int end = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                        pos = i + 1;
                        return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
                    }
                }
                // No complete line yet: compact, then read more.
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, lim - start);
                    lim -= start;
                    start = 0;
                }
                scan = lim;
                if (lim == buf.length) throw new SmtpException("protocol", "reply line too long");
                int n = in.read(buf, lim, buf.length - lim);
                if (n < 0) {
                    pos = lim = 0;
                    return scan == 0 ? null : new String(buf, 0, scan, StandardCharsets.ISO_8859_1);
                }
                lim += n;
            }
        }

        Reply expect(int want) throws IOException {
            Reply r = read();
            if (r.code != want) throw new SmtpException(r.code >= 500 ? "5xx" : r.code >= 400 ? "4xx" : "unexpected",
                    "expected " + want + ", got " + r);
            return r;
        }

        void send(String cmd) throws IOException { out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII)); }
        void send(byte[] b) throws IOException { out.write(b); }

        void hello() throws IOException {
            expect(220);
            send("EHLO client.test");
            Reply r = expect(250);
            pipelining = r.text.toUpperCase(Locale.ROOT).contains("PIPELINING");
        }

        void quit() {
            try { send("QUIT"); read(); } catch (IOException e) { }
            try { s.close(); } catch (IOException e) { }
        }

        public void close() { try { s.close(); } catch (IOException e) { } }
    }

    static final String DATE = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now());
    static final java.util.regex.Pattern QUEUED_AS = java.util.regex.Pattern.compile("(?i)queued as ([^\\s]+)");

    /** The "." line terminator, sent on its own. */
    static final byte[] DOT = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A message of about {@code size} bytes of body, with a header that identifies it; ends before the "." line. */
    static byte[] message(String token, int size, byte[] body) {
        String h = "X-Bench-Id: " + token + "\r\n"
                + "From: <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: bench " + token + "\r\n"
                + "Message-ID: <" + token + "@client.test>\r\n"
                + "Date: " + DATE + "\r\n"
                + "\r\n";
        byte[] hb = h.getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[hb.length + body.length];
        System.arraycopy(hb, 0, m, 0, hb.length);
        System.arraycopy(body, 0, m, hb.length, body.length);
        return m;
    }

    /** size bytes of body: lines of 78 characters and CRLF; never a line starting with ".". */
    static byte[] body(int size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(size + 100);
        int line = 0;
        while (b.size() < size) {
            String l = String.format("%06d", line++) + "X".repeat(72) + "\r\n";
            int room = size - b.size();
            if (room < l.length()) l = "Y".repeat(Math.max(0, room - 2)) + "\r\n";
            b.writeBytes(l.getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    static String errKind(Throwable e) {
        if (e instanceof SmtpException se) return se.kind;
        if (e instanceof ConnectException) return "connect-refused";
        if (e instanceof SocketTimeoutException) return "timeout";
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("reset")) return "reset";
        if (m.contains("broken pipe")) return "broken-pipe";
        if (e instanceof NoRouteToHostException || m.contains("cannot assign")) return "no-local-port";
        return e.getClass().getSimpleName();
    }

    static final ConcurrentHashMap<String, String> ERR_SAMPLES = new ConcurrentHashMap<>();

    static void countErr(ConcurrentHashMap<String, LongAdder> errs, Throwable e) {
        String k = errKind(e);
        errs.computeIfAbsent(k, x -> new LongAdder()).increment();
        if (ERR_SAMPLES.putIfAbsent(k, String.valueOf(e.getMessage())) == null)
            System.err.println("first error of kind " + k + ": " + e.getMessage());
    }

    static String errString(Map<String, LongAdder> errs) {
        if (errs.isEmpty()) return "none";
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(errs).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v.sum()));
        return sb.toString();
    }

    static long errTotal(Map<String, LongAdder> errs) {
        return errs.values().stream().mapToLong(LongAdder::sum).sum();
    }

    static double pct(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(i, sortedNanos.length - 1))] / 1e6;
    }

    static String f1(double d) { return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.1f", d); }
    static String f2(double d) { return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.2f", d); }

    /** CPU ticks (utime+stime, plus reaped children's) of a process and all its descendants: for a JVM, the
     *  process; for Postfix, the master and every daemon it runs (exited daemons are in the master's cutime). */
    static long cpuTicks(long root) {
        Map<Long, Long> parent = new HashMap<>(), ticks = new HashMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : ds) {
                try {
                    String st = Files.readString(p.resolve("stat"));
                    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(p.getFileName().toString());
                    parent.put(pid, Long.parseLong(f[1]));
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]));
                } catch (IOException | RuntimeException e) { }
            }
        } catch (IOException e) { return -1; }
        long sum = 0;
        for (var e : ticks.entrySet()) {
            long p = e.getKey();
            for (int d = 0; d < 64 && p > 1; d++) {
                if (p == root) { sum += e.getValue(); break; }
                Long pp = parent.get(p);
                if (pp == null) break;
                p = pp;
            }
        }
        return sum;
    }

    static long pidOpt() { return opt.containsKey("pid") ? Long.parseLong(opt.get("pid")) : -1; }
    static long cpuNow() { return pidOpt() > 0 ? cpuTicks(pidOpt()) : -1; }

    /** Server CPU ms per message between two cpuTicks samples (ticks are 10 ms: USER_HZ 100). */
    static String cpuMsPer(long before, long after, long msgs) {
        if (before < 0 || after < 0 || msgs <= 0) return "n/a";
        return f2((after - before) * 10.0 / msgs);
    }

    /** With --pid: waits (up to 60 s) until the server uses under 5% of a CPU over a second. */
    static void settle() throws InterruptedException {
        if (pidOpt() <= 0) return;
        for (int i = 0; i < 60 && timeLeft(); i++) {
            long a = cpuNow();
            Thread.sleep(1000);
            if (cpuNow() - a <= 5) return;
        }
    }

    static boolean timeLeft() { return System.nanoTime() < hardDeadline; }

    // ---------------------------------------------------------------- e2e: accepted over SMTP, visible in new/

    static void e2e() throws Exception {
        int sessions = intOpt("sessions", 10), count = intOpt("count", 2000), size = intOpt("size", 10240);
        boolean keep = opt.containsKey("keep");
        String md = opt.get("maildir");
        if (md == null) { System.err.println("e2e needs --maildir DIR (the mailbox; its new/ is watched)"); System.exit(2); }
        Path newDir = Path.of(md).resolve("new");
        int deliverTimeoutS = intOpt("deliver-timeout-s", 60);
        String run = Long.toHexString(System.nanoTime() ^ new Random().nextLong()).substring(0, 8);
        byte[] body = body(size);

        long[] dotAt = new long[count], acceptedAt = new long[count], deliveredAt = new long[count];
        String[] queueId = new String[count];
        AtomicInteger accepted = new AtomicInteger(), delivered = new AtomicInteger(), unknownFiles = new AtomicInteger();
        ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();

        // ---- the watcher: inotify via WatchService, and a directory scan every second as a safety net (a file
        // that only a scan finds gets the scan's time, which is late by up to a second: they are counted).
        if (opt.containsKey("clean") && Files.isDirectory(newDir)) {
            try (var ds = Files.newDirectoryStream(newDir)) { for (Path p : ds) if (Files.isRegularFile(p)) Files.delete(p); }
        }
        int warm = intOpt("warmup", 200);
        if (warm > 0) warmup(newDir, warm, sessions, size, body);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        if (Files.isDirectory(newDir)) try (var ds = Files.newDirectoryStream(newDir)) { for (Path p : ds) seen.add(p.getFileName().toString()); }
        int preexisting = seen.size();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        AtomicBoolean watching = new AtomicBoolean(true);
        // A file seen at time t: read its X-Bench-Id to find which message it is (in a reader thread, so the
        // watcher never waits for the disk), then record t as that message's delivery time.
        AtomicInteger rescans = new AtomicInteger();
        java.util.function.BiPredicate<String, Long> onFile = (name, t) -> {
            if (!seen.add(name)) return false;
            readers.execute(() -> {
                int n = identify(newDir.resolve(name), run);
                if (n < 0 || n >= count) { unknownFiles.incrementAndGet(); return; }
                synchronized (deliveredAt) {
                    if (deliveredAt[n] == 0) { deliveredAt[n] = t; delivered.incrementAndGet(); }
                }
            });
            return true;
        };
        Thread watcher = Thread.ofPlatform().name("watcher").start(() -> {
            try {
                while (!Files.isDirectory(newDir) && watching.get()) Thread.sleep(2);
                if (!watching.get()) return;
                try (WatchService ws = newDir.getFileSystem().newWatchService()) {
                    newDir.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
                    long lastScan = 0;
                    while (watching.get()) {
                        long now = System.nanoTime();
                        if (now - lastScan > 1_000_000_000L) { rescans.addAndGet(scan(newDir, onFile)); lastScan = System.nanoTime(); }
                        WatchKey k = ws.poll(10, TimeUnit.MILLISECONDS);
                        if (k == null) continue;
                        long t = System.nanoTime();
                        for (WatchEvent<?> ev : k.pollEvents()) {
                            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) { rescans.addAndGet(scan(newDir, onFile)); continue; }
                            onFile.test(((Path) ev.context()).getFileName().toString(), t);
                        }
                        k.reset();
                    }
                    rescans.addAndGet(scan(newDir, onFile));
                }
            } catch (Exception e) {
                System.err.println("watcher: " + e);
            }
        });

        // ---- the sampler: backlog (accepted - delivered) every 100 ms.
        List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                samples.add(new long[]{System.nanoTime() - t0, accepted.get(), delivered.get()});
                try { Thread.sleep(100); } catch (InterruptedException e) { return; }
            }
        });

        // ---- the senders.
        long cpu0 = cpuNow();
        AtomicInteger next = new AtomicInteger();
        // --rate R: a steady R messages per second in all (message n is not sent before start + n/R); 0 = a burst.
        double rate = Double.parseDouble(opt.getOrDefault("rate", "0"));
        long paceStart = System.nanoTime();
        try (var ex = sessionsExecutor()) {
            for (int s = 0; s < sessions; s++) {
                ex.submit(() -> {
                    Conn c = null;
                    while (timeLeft()) {
                        int n = next.getAndIncrement();
                        if (n >= count) break;
                        if (rate > 0) {
                            long due = paceStart + (long) (n * 1e9 / rate);
                            for (long wait; (wait = due - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        try {
                            if (c == null) { c = new Conn(); c.hello(); }
                            c.send("MAIL FROM:<" + from + ">"); c.expect(250);
                            c.send("RCPT TO:<" + to + ">"); c.expect(250);
                            c.send("DATA"); c.expect(354);
                            c.send(message(run + "." + n, size, body));
                            dotAt[n] = System.nanoTime();
                            c.send(DOT);
                            Reply r = c.expect(250);
                            acceptedAt[n] = System.nanoTime();
                            accepted.incrementAndGet();
                            var m = QUEUED_AS.matcher(r.text);
                            if (m.find()) queueId[n] = m.group(1);
                            if (!keep) { c.quit(); c = null; }
                        } catch (IOException e) {
                            countErr(errs, e);
                            if (c != null) c.close();
                            c = null;
                        }
                    }
                    if (c != null) c.quit();
                });
            }
        }
        long sendEnd = System.nanoTime();
        int acc = accepted.get();
        // ---- wait for the deliveries.
        long waitUntil = System.nanoTime() + deliverTimeoutS * 1_000_000_000L;
        while (delivered.get() < acc && System.nanoTime() < waitUntil && timeLeft()) Thread.sleep(5);
        long cpu1 = cpuNow();
        watching.set(false);
        watcher.join(5000);
        readers.shutdown();
        readers.awaitTermination(10, TimeUnit.SECONDS);
        sampling.set(false);
        sampler.join(1000);
        int del = delivered.get();

        long firstDot = Long.MAX_VALUE, lastAcc = 0, lastDel = 0;
        List<Long> lat = new ArrayList<>(), accLat = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            if (acceptedAt[n] == 0) continue;
            firstDot = Math.min(firstDot, dotAt[n]);
            lastAcc = Math.max(lastAcc, acceptedAt[n]);
            accLat.add(acceptedAt[n] - dotAt[n]);
            if (deliveredAt[n] != 0) { lastDel = Math.max(lastDel, deliveredAt[n]); lat.add(deliveredAt[n] - dotAt[n]); }
        }
        long[] l = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] al = accLat.stream().mapToLong(Long::longValue).sorted().toArray();
        double accRate = acc / ((lastAcc - t0) / 1e9);
        double delRate = del / ((lastDel - t0) / 1e9);
        // Backlog over the sending window: at 25/50/75/100 % of it, and the maximum.
        long sendDur = sendEnd - t0;
        long[] at = new long[4];
        long maxBacklog = 0;
        synchronized (samples) {
            for (long[] s : samples) {
                long b = s[1] - s[2];
                maxBacklog = Math.max(maxBacklog, b);
                for (int q = 0; q < 4; q++) if (s[0] <= sendDur * (q + 1) / 4) at[q] = b;
            }
        }
        boolean grows = at[3] > Math.max(2L * sessions, at[1] * 3 / 2);
        double drain = lastDel > sendEnd ? (lastDel - sendEnd) / 1e6 : 0;
        int withId = 0;
        for (String q : queueId) if (q != null) withId++;

        System.out.printf(Locale.ROOT, "e2e %s:%d  %d messages of %d bytes, %d sessions, %s, maildir %s%n", host, port,
                count, size, sessions, keep ? "persistent connections" : "new connection per message", newDir);
        System.out.printf(Locale.ROOT, "  accepted   %d  (%s/s over %s s), errors: %s%n", acc, f1(accRate), f2((lastAcc - t0) / 1e9), errString(errs));
        System.out.printf(Locale.ROOT, "  delivered  %d  (%s/s, last file %s s after start), %d files not ours, %d there before%n",
                del, f1(delRate), f2((lastDel - t0) / 1e9), unknownFiles.get(), preexisting);
        System.out.printf(Locale.ROOT, "  latency '.' -> 250           p50 %s  p99 %s  max %s ms%n", f1(pct(al, .5)), f1(pct(al, .99)), f1(pct(al, 1)));
        System.out.printf(Locale.ROOT, "  latency '.' -> file in new/  p50 %s  p90 %s  p99 %s  max %s ms (seen by inotify)%n",
                f1(pct(l, .5)), f1(pct(l, .9)), f1(pct(l, .99)), f1(pct(l, 1)));
        System.out.printf(Locale.ROOT, "  backlog (accepted - delivered) at 25/50/75/100%% of sending: %d %d %d %d, max %d, drained %s ms after the last send: %s%n",
                at[0], at[1], at[2], at[3], maxBacklog, f1(drain), grows ? "a backlog GROWS" : "no growing backlog");
        System.out.printf(Locale.ROOT, "  replies carrying 'queued as <id>': %d; files found only by a rescan (late): %d; server CPU %s ms per delivered message%n",
                withId, rescans.get(), cpuMsPer(cpu0, cpu1, del));
        System.out.printf(Locale.ROOT, "RESULT e2e accepted=%d delivered=%d accepted_per_s=%s delivered_per_s=%s p50_ms=%s p99_ms=%s max_ms=%s accept_p99_ms=%s backlog_max=%d backlog_end=%d grows=%s errors=%d cpu_ms_per_msg=%s%n",
                acc, del, f1(accRate), f1(delRate), f1(pct(l, .5)), f1(pct(l, .99)), f1(pct(l, 1)), f1(pct(al, .99)), maxBacklog, at[3], grows, errTotal(errs), cpuMsPer(cpu0, cpu1, del));
    }

    /** Sends n messages (new connection each) and waits up to 30 s for n more files in newDir: warms both JITs. */
    static void warmup(Path newDir, int n, int sessions, int size, byte[] body) throws Exception {
        int before = countFiles(newDir);
        AtomicInteger next = new AtomicInteger(), ok = new AtomicInteger();
        long t0 = System.nanoTime();
        try (var ex = sessionsExecutor()) {
            for (int s = 0; s < sessions; s++) ex.submit(() -> {
                while (next.getAndIncrement() < n && timeLeft()) {
                    try (Conn c = new Conn()) {
                        c.hello();
                        c.send("MAIL FROM:<" + from + ">"); c.expect(250);
                        c.send("RCPT TO:<" + to + ">"); c.expect(250);
                        c.send("DATA"); c.expect(354);
                        c.send(message("warmup", size, body)); c.send(DOT); c.expect(250);
                        c.quit();
                        ok.incrementAndGet();
                    } catch (IOException e) { }
                }
            });
        }
        long until = System.nanoTime() + 30_000_000_000L;
        while (countFiles(newDir) < before + ok.get() && System.nanoTime() < until) Thread.sleep(20);
        System.out.printf(Locale.ROOT, "warm-up: %d of %d messages accepted, %d delivered, in %s s%n", ok.get(), n,
                countFiles(newDir) - before, f1((System.nanoTime() - t0) / 1e9));
        Thread.sleep(500);
    }

    static int countFiles(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (var st = Files.list(dir)) { return (int) st.count(); } catch (IOException e) { return 0; }
    }

    /** Lists the directory; returns how many files it found that the watcher had not reported. */
    static int scan(Path dir, java.util.function.BiPredicate<String, Long> onFile) {
        long t = System.nanoTime();
        int found = 0;
        try (var ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (onFile.test(p.getFileName().toString(), t)) found++;
        } catch (IOException e) { }
        return found;
    }

    /** The message number in a delivered file's X-Bench-Id header of this run, or -1. */
    static int identify(Path f, String run) {
        byte[] buf = new byte[16384];
        int n = 0;
        try (InputStream in = Files.newInputStream(f)) {
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) n += r;
        } catch (IOException e) {
            // Moved to cur/ by a reader, or gone: try there once.
            try (InputStream in = Files.newInputStream(f.getParent().resolveSibling("cur").resolve(f.getFileName()))) {
                n = in.readNBytes(buf, 0, buf.length);
            } catch (IOException e2) { return -1; }
        }
        String s = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        String key = "X-Bench-Id: " + run + ".";
        int i = s.indexOf(key);
        if (i < 0) return -1;
        int j = i + key.length(), k = j;
        while (k < s.length() && Character.isDigit(s.charAt(k))) k++;
        try { return Integer.parseInt(s.substring(j, k)); } catch (NumberFormatException e) { return -1; }
    }

    // ---------------------------------------------------------------- pipeline vs lock-step

    static void pipeline() throws Exception {
        int sessions = intOpt("sessions", 1), count = intOpt("count", 2000), size = intOpt("size", 1024);
        int perConn = intOpt("per-connection", 100);
        String[] styles = opt.getOrDefault("styles", "lockstep,pipe,pipe+").split(",");
        byte[] body = body(size);
        boolean advertised;
        try (Conn c = new Conn()) { c.hello(); advertised = c.pipelining; c.quit(); }
        System.out.printf(Locale.ROOT, "pipeline %s:%d  %d sessions (persistent, " + perConn + " messages per connection), %d messages of %d bytes per style; PIPELINING %s%n",
                host, port, sessions, count, size, advertised ? "advertised" : "NOT advertised");
        StringBuilder result = new StringBuilder("RESULT pipeline advertised=" + advertised);
        for (String style : styles) {
            if (!style.equals("lockstep") && !advertised) {
                System.out.printf("  %-8s skipped: the server does not advertise PIPELINING%n", style);
                continue;
            }
            settle();   // the previous style's deliveries must not run during this one
            long[] lat = new long[count];
            AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
            ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();
            long cpu0 = cpuNow();
            long t0 = System.nanoTime();
            try (var ex = sessionsExecutor()) {
                for (int s = 0; s < sessions; s++) ex.submit(() -> {
                    String env = "MAIL FROM:<" + from + ">\r\nRCPT TO:<" + to + ">\r\nDATA\r\n";
                    byte[] envB = env.getBytes(StandardCharsets.US_ASCII);
                    boolean finished = false;
                    // One connection carries at most perConn messages (servers limit messages per session).
                    while (!finished && timeLeft()) {
                        try (Conn c = new Conn()) {
                            c.hello();
                            int prev = -1;          // pipe+: the message whose content goes out with the next envelope
                            long prevStart = 0;
                            byte[] prevMsg = null;
                            for (int k = 0; timeLeft(); k++) {
                                int n = k < perConn ? next.getAndIncrement() : count;
                                if (n >= count && k < perConn) finished = true;
                                boolean last = n >= count;
                                if (style.equals("pipe+")) {
                                    // [content of prev + "." + MAIL + RCPT + DATA] in one write; then its replies.
                                    ByteArrayOutputStream w = new ByteArrayOutputStream();
                                    if (prevMsg != null) { w.writeBytes(prevMsg); w.writeBytes(DOT); }
                                    long start = System.nanoTime();
                                    if (!last) w.writeBytes(envB);
                                    if (w.size() == 0) break;
                                    c.send(w.toByteArray());
                                    if (prevMsg != null) {
                                        c.expect(250);
                                        lat[prev] = System.nanoTime() - prevStart;
                                        done.incrementAndGet();
                                        prevMsg = null;
                                    }
                                    if (last) break;
                                    c.expect(250); c.expect(250); c.expect(354);
                                    prev = n; prevStart = start; prevMsg = message("p." + n, size, body);
                                    continue;
                                }
                                if (last) break;
                                byte[] msg = message("p." + n, size, body);
                                long start = System.nanoTime();
                                if (style.equals("pipe")) {
                                    c.send(envB);
                                    c.expect(250); c.expect(250); c.expect(354);
                                } else {
                                    c.send("MAIL FROM:<" + from + ">"); c.expect(250);
                                    c.send("RCPT TO:<" + to + ">"); c.expect(250);
                                    c.send("DATA"); c.expect(354);
                                }
                                ByteArrayOutputStream w = new ByteArrayOutputStream(msg.length + 3);
                                w.writeBytes(msg); w.writeBytes(DOT);
                                c.send(w.toByteArray());
                                c.expect(250);
                                lat[n] = System.nanoTime() - start;
                                done.incrementAndGet();
                            }
                            c.quit();
                        } catch (IOException e) {
                            countErr(errs, e);
                        }
                    }
                });
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long cpu1 = cpuNow();
            long[] l = Arrays.stream(lat).filter(x -> x > 0).sorted().toArray();
            double rate = done.get() / secs;
            System.out.printf(Locale.ROOT, "  %-8s %6d msgs  %8s msgs/s   latency p50 %6s  p99 %6s  max %6s ms   server CPU %s ms/msg   errors: %s%n",
                    style, done.get(), f1(rate), f2(pct(l, .5)), f2(pct(l, .99)), f2(pct(l, 1)), cpuMsPer(cpu0, cpu1, done.get()), errString(errs));
            String k = style.replace("+", "plus");
            result.append(String.format(Locale.ROOT, " %s_per_s=%s %s_p50_ms=%s %s_p99_ms=%s %s_errors=%d",
                    k, f1(rate), k, f2(pct(l, .5)), k, f2(pct(l, .99)), k, errTotal(errs)));
        }
        System.out.println(result);
    }

    // ---------------------------------------------------------------- TLS client side

    private static volatile SSLContext tlsContext;

    /**
     * The client's SSLContext. It TRUSTS EVERY CERTIFICATE, deliberately: this is a load generator against a
     * server on loopback with a self-signed certificate (Tern makes one on first start), and the point is the
     * cost of the handshake and the encryption, not PKI. Never copy this trust manager into anything real.
     */
    static SSLContext tlsContext() {
        SSLContext c = tlsContext;
        if (c != null) return c;
        synchronized (SmtpBench.class) {
            if (tlsContext != null) return tlsContext;
            X509ExtendedTrustManager trustAll = new X509ExtendedTrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) { }
                public void checkServerTrusted(X509Certificate[] chain, String authType) { }
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            };
            try {
                c = SSLContext.getInstance("TLS");
                c.init(null, new TrustManager[]{trustAll}, null);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return tlsContext = c;
        }
    }

    static String tlsMode() {
        String m = opt.getOrDefault("tls", "none");
        if (!Set.of("none", "starttls", "implicit").contains(m)) {
            System.err.println("--tls must be none, starttls or implicit");
            System.exit(2);
        }
        return m;
    }

    // ---------------------------------------------------------------- accept: acceptance, plaintext or TLS

    /**
     * Like smtp-source: a new connection per message, N sessions, each connection EHLO [STARTTLS, EHLO] [AUTH
     * PLAIN] MAIL RCPT DATA content "." QUIT (or for --tls implicit: the handshake first, then the greeting).
     * Latency per message: from connect to the reply to QUIT. Unless --resume, every handshake is a full one
     * (the client forgets each session), as it is between MTAs that keep no session cache.
     */
    static void accept() throws Exception {
        String tls = tlsMode();
        int sessions = intOpt("sessions", 10), count = intOpt("count", 60000), secs = intOpt("secs", 7), size = intOpt("size", 1024);
        int warm = intOpt("warmup", 300);
        String user = opt.get("user"), password = opt.getOrDefault("password", "");
        if (tls.equals("implicit") && user == null) System.err.println("warning: SMTPS servers require AUTH: give --user and --password");
        boolean resume = opt.containsKey("resume");
        byte[] body = body(size);
        AtomicReference<String> negotiated = new AtomicReference<>("none");
        // One message on its own connection; returns the time to the end of TLS set-up (0 without TLS).
        Callable<Long> one = () -> {
            long st = System.nanoTime(), tlsAt = 0;
            String idx = Integer.toString(SESSION.get());
            try (Conn c = new Conn(tls.equals("implicit"))) {
                c.hello();
                if (tls.equals("starttls")) c.startTls();
                if (!tls.equals("none")) {
                    tlsAt = System.nanoTime() - st;
                    if (c.s instanceof SSLSocket t && negotiated.get().equals("none"))
                        negotiated.set(t.getSession().getProtocol() + "/" + t.getSession().getCipherSuite());
                }
                if (user != null) c.authPlain(user.replace("{i}", idx), password);
                c.send("MAIL FROM:<" + from.replace("{i}", idx) + ">"); c.expect(250);
                c.send("RCPT TO:<" + to + ">"); c.expect(250);
                c.send("DATA"); c.expect(354);
                c.send(message("a", size, body)); c.send(DOT); c.expect(250);
                c.send("QUIT"); c.expect(221);
                if (!resume) c.forgetTlsSession();
            }
            return tlsAt;
        };
        System.out.printf(Locale.ROOT, "accept %s:%d  tls=%s%s%s, %d sessions, %d-byte messages, new connection per message, up to %d messages or %d s%n",
                host, port, tls, tlsProtocols != null ? " " + String.join(",", tlsProtocols) : "", user != null ? ", AUTH PLAIN as " + user : "",
                sessions, size, count, secs);
        if (warm > 0) {   // both JITs and the TLS code paths warm, not measured
            AtomicInteger wn = new AtomicInteger(), wok = new AtomicInteger();
            try (var ex = sessionsExecutor()) {
                for (int s = 0; s < Math.min(sessions, 10); s++) { final int si = s; ex.submit(() -> {
                    SESSION.set(si);
                    while (wn.getAndIncrement() < warm && timeLeft()) {
                        try { one.call(); wok.incrementAndGet(); } catch (Exception e) { }
                    }
                }); }
            }
            System.out.printf(Locale.ROOT, "  warm-up: %d of %d ok%n", wok.get(), warm);
        }
        settle();
        long[] lat = new long[count], tlsLat = new long[count];
        AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();
        long cpu0 = cpuNow();
        long t0 = System.nanoTime(), stopAt = t0 + secs * 1_000_000_000L;
        AtomicLong lastEnd = new AtomicLong(t0);
        try (var ex = sessionsExecutor()) {
            for (int s = 0; s < sessions; s++) { final int si = s; ex.submit(() -> {
                SESSION.set(si);
                int n;
                while (System.nanoTime() < stopAt && timeLeft() && (n = next.getAndIncrement()) < count) {
                    long st = System.nanoTime();
                    try {
                        tlsLat[n] = one.call();
                        long end = System.nanoTime();
                        lat[n] = end - st;
                        lastEnd.accumulateAndGet(end, Math::max);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        countErr(errs, e);
                    }
                }
            }); }
        }
        long cpu1 = cpuNow();
        double wall = (lastEnd.get() - t0) / 1e9;
        long[] l = Arrays.stream(lat).filter(x -> x > 0).sorted().toArray();
        long[] tl = Arrays.stream(tlsLat).filter(x -> x > 0).sorted().toArray();
        double rate = done.get() / wall;
        System.out.printf(Locale.ROOT, "  %d msgs in %s s: %s msgs/s; per message (connect to 221) p50 %s p99 %s max %s ms; TLS ready after p50 %s p99 %s ms; errors: %s%n",
                done.get(), f2(wall), f1(rate), f2(pct(l, .5)), f2(pct(l, .99)), f2(pct(l, 1)), f2(pct(tl, .5)), f2(pct(tl, .99)), errString(errs));
        System.out.printf(Locale.ROOT, "  negotiated %s; server CPU %s ms/msg%n", negotiated.get(), cpuMsPer(cpu0, cpu1, done.get()));
        System.out.printf(Locale.ROOT, "RESULT accept tls=%s proto=%s sessions=%d msgs=%d per_s=%s p50_ms=%s p99_ms=%s tls_p50_ms=%s errors=%d cpu_ms_per_msg=%s%n",
                tls, negotiated.get(), sessions, done.get(), f1(rate), f2(pct(l, .5)), f2(pct(l, .99)), f2(pct(tl, .5)), errTotal(errs), cpuMsPer(cpu0, cpu1, done.get()));
    }

    // ---------------------------------------------------------------- handshake: TLS handshakes per second

    /**
     * Implicit-TLS connections (SMTPS): connect, full handshake, read the 220 greeting over TLS (so the server
     * has finished its side; --no-greeting skips it), close (close_notify). N threads, for --secs.
     */
    static void handshake() throws Exception {
        int threads = intOpt("sessions", 10), count = intOpt("count", 200000), secs = intOpt("secs", 7), warm = intOpt("warmup", 500);
        boolean resume = opt.containsKey("resume"), greet = !opt.containsKey("no-greeting");
        AtomicReference<String> negotiated = new AtomicReference<>("none");
        Callable<Void> one = () -> {
            try (Conn c = new Conn(true)) {
                if (greet) c.expect(220);
                if (negotiated.get().equals("none") && c.s instanceof SSLSocket t)
                    negotiated.set(t.getSession().getProtocol() + "/" + t.getSession().getCipherSuite());
                if (!resume) c.forgetTlsSession();
            }
            return null;
        };
        System.out.printf(Locale.ROOT, "handshake %s:%d  %d threads, %s handshakes%s, up to %d or %d s%n", host, port, threads,
                resume ? "resumed (client session cache on)" : "full", greet ? " + 220 greeting" : "", count, secs);
        AtomicInteger wn = new AtomicInteger();
        try (var ex = sessionsExecutor()) {
            for (int s = 0; s < Math.min(threads, 10); s++) ex.submit(() -> {
                while (wn.getAndIncrement() < warm && timeLeft()) try { one.call(); } catch (Exception e) { }
            });
        }
        settle();
        long[] lat = new long[count];
        AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();
        long cpu0 = cpuNow();
        long t0 = System.nanoTime(), stopAt = t0 + secs * 1_000_000_000L;
        AtomicLong lastEnd = new AtomicLong(t0);
        try (var ex = sessionsExecutor()) {
            for (int s = 0; s < threads; s++) ex.submit(() -> {
                int n;
                while (System.nanoTime() < stopAt && timeLeft() && (n = next.getAndIncrement()) < count) {
                    long st = System.nanoTime();
                    try {
                        one.call();
                        long end = System.nanoTime();
                        lat[n] = end - st;
                        lastEnd.accumulateAndGet(end, Math::max);
                        done.incrementAndGet();
                    } catch (Exception e) { countErr(errs, e); }
                }
            });
        }
        long cpu1 = cpuNow();
        double wall = (lastEnd.get() - t0) / 1e9;
        long[] l = Arrays.stream(lat).filter(x -> x > 0).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %d handshakes in %s s: %s/s; connect to %s p50 %s p99 %s ms; negotiated %s; server CPU %s ms/handshake; errors: %s%n",
                done.get(), f2(wall), f1(done.get() / wall), greet ? "greeting" : "handshake done", f2(pct(l, .5)), f2(pct(l, .99)),
                negotiated.get(), cpuMsPer(cpu0, cpu1, done.get()), errString(errs));
        System.out.printf(Locale.ROOT, "RESULT handshake proto=%s threads=%d handshakes=%d per_s=%s p50_ms=%s p99_ms=%s errors=%d cpu_ms_per_handshake=%s%n",
                negotiated.get(), threads, done.get(), f1(done.get() / wall), f2(pct(l, .5)), f2(pct(l, .99)), errTotal(errs), cpuMsPer(cpu0, cpu1, done.get()));
    }

    // ---------------------------------------------------------------- storm: many clients connect at once

    static void storm() throws Exception {
        int clients = intOpt("clients", 200), rounds = intOpt("rounds", 10), size = intOpt("size", 1024);
        byte[] body = body(size);
        ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();
        AtomicInteger ok = new AtomicInteger();
        List<Long> lat = Collections.synchronizedList(new ArrayList<>());
        long cpu0 = cpuNow();
        long t0 = System.nanoTime();
        int r;
        for (r = 0; r < rounds && timeLeft(); r++) {
            CountDownLatch ready = new CountDownLatch(clients), go = new CountDownLatch(1);
            final int round = r;
            try (var ex = sessionsExecutor()) {
                for (int i = 0; i < clients; i++) {
                    final int id = i;
                    ex.submit(() -> {
                        ready.countDown();
                        try { go.await(); } catch (InterruptedException e) { return; }
                        long start = System.nanoTime();
                        try (Conn c = new Conn()) {
                            c.hello();
                            c.send("MAIL FROM:<" + from + ">"); c.expect(250);
                            c.send("RCPT TO:<" + to + ">"); c.expect(250);
                            c.send("DATA"); c.expect(354);
                            c.send(message("s." + round + "." + id, size, body)); c.send(DOT);
                            c.expect(250);
                            c.send("QUIT"); c.read();
                            ok.incrementAndGet();
                            lat.add(System.nanoTime() - start);
                        } catch (IOException e) {
                            countErr(errs, e);
                        }
                    });
                }
                ready.await();
                go.countDown();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long cpu1 = cpuNow();
        long[] l = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "storm %s:%d  %d rounds of %d clients connecting at once, one %d-byte message each%n", host, port, r, clients, size);
        System.out.printf(Locale.ROOT, "  ok %d of %d, %s msgs/s; connect-to-250 latency p50 %s p99 %s max %s ms; errors: %s%n",
                ok.get(), r * clients, f1(ok.get() / secs), f1(pct(l, .5)), f1(pct(l, .99)), f1(pct(l, 1)), errString(errs));
        System.out.printf(Locale.ROOT, "  server CPU %s ms/msg%n", cpuMsPer(cpu0, cpu1, ok.get()));
        System.out.printf(Locale.ROOT, "RESULT storm attempts=%d ok=%d errors=%d per_s=%s p99_ms=%s kinds=%s cpu_ms_per_msg=%s%n",
                r * clients, ok.get(), errTotal(errs), f1(ok.get() / secs), f1(pct(l, .99)), errString(errs), cpuMsPer(cpu0, cpu1, ok.get()));
    }

    // ---------------------------------------------------------------- idle sessions

    static void idle() throws Exception {
        int sessions = intOpt("sessions", 10000), holdS = intOpt("hold-s", 60), par = intOpt("parallel", 100);
        String tls = tlsMode();
        long pid = pidOpt();
        boolean jvm = pid > 0 && isJava(pid);
        System.out.printf(Locale.ROOT, "idle %s:%d  %d sessions (%s, then idle %d s, then NOOP)%s%n", host, port, sessions,
                switch (tls) { case "starttls" -> "EHLO, STARTTLS, EHLO"; case "implicit" -> "TLS, EHLO"; default -> "EHLO"; }, holdS,
                pid > 0 ? ", server PID " + pid + (jvm ? " (Java)" : "") : "");
        Mem base = pid > 0 ? mem(pid, jvm) : null;
        if (base != null) System.out.println("  before: " + base);

        Conn[] conns = new Conn[sessions];
        ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();
        Semaphore sem = new Semaphore(par);
        long t0 = System.nanoTime();
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < sessions && timeLeft(); i++) {
                final int id = i;
                sem.acquire();
                ex.submit(() -> {
                    try {
                        Conn c = new Conn(tls.equals("implicit"));
                        try {
                            c.hello();
                            if (tls.equals("starttls")) c.startTls();
                            conns[id] = c;
                        } catch (IOException e) { c.close(); throw e; }
                    } catch (IOException e) {
                        countErr(errs, e);
                    } finally { sem.release(); }
                });
            }
        }
        int open = 0;
        for (Conn c : conns) if (c != null) open++;
        System.out.printf(Locale.ROOT, "  opened %d of %d sessions in %s s; errors: %s%n", open, sessions, f1((System.nanoTime() - t0) / 1e9), errString(errs));
        long holdEnd = System.nanoTime() + holdS * 1_000_000_000L;
        while (System.nanoTime() < holdEnd && timeLeft()) Thread.sleep(200);
        // Server memory while the sessions are open (and idle).
        Mem held = pid > 0 ? mem(pid, jvm) : null;
        if (held != null) System.out.println("  held:   " + held);

        AtomicInteger noopOk = new AtomicInteger();
        ConcurrentHashMap<String, LongAdder> noopErrs = new ConcurrentHashMap<>();
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Conn c : conns) {
                if (c == null) continue;
                sem.acquire();
                ex.submit(() -> {
                    try { c.send("NOOP"); c.expect(250); noopOk.incrementAndGet(); }
                    catch (IOException e) { countErr(noopErrs, e); }
                    finally { sem.release(); }
                });
            }
        }
        System.out.printf(Locale.ROOT, "  NOOP -> 250: %d of %d open sessions (of %d attempted); NOOP errors: %s%n", noopOk.get(), open, sessions, errString(noopErrs));
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Conn c : conns) {
                if (c == null) continue;
                sem.acquire();
                ex.submit(() -> { try { c.quit(); } finally { sem.release(); } });
            }
        }
        StringBuilder res = new StringBuilder(String.format(Locale.ROOT, "RESULT idle tls=" + tls + " sessions=%d open=%d noop_ok=%d open_errors=%d noop_errors=%d",
                sessions, open, noopOk.get(), errTotal(errs), errTotal(noopErrs)));
        if (base != null && held != null) {
            double rssPer = (held.rssKb - base.rssKb) / (double) Math.max(1, open);
            res.append(String.format(Locale.ROOT, " rss_mib=%s rss_per_session_kib=%s", f1(held.rssKb / 1024.0), f1(rssPer)));
            System.out.printf(Locale.ROOT, "  RSS %s MiB (was %s MiB): %s KiB per session; threads %d (was %d)%n",
                    f1(held.rssKb / 1024.0), f1(base.rssKb / 1024.0), f1(rssPer), held.threads, base.threads);
            if (jvm && held.heapUsedKb >= 0 && base.heapUsedKb >= 0) {
                double heapPer = (held.heapUsedKb - base.heapUsedKb) / (double) Math.max(1, open);
                double histPer = (held.histBytes - base.histBytes) / 1024.0 / Math.max(1, open);
                System.out.printf(Locale.ROOT, "  heap after full GC %s MiB (was %s MiB): %s KiB per session; live objects (class histogram) %s KiB per session%n",
                        f1(held.heapUsedKb / 1024.0), f1(base.heapUsedKb / 1024.0), f1(heapPer), f1(histPer));
                res.append(String.format(Locale.ROOT, " heap_mib=%s heap_per_session_kib=%s live_per_session_kib=%s",
                        f1(held.heapUsedKb / 1024.0), f1(heapPer), f1(histPer)));
                if (held.top != null) System.out.println("  largest live classes with the sessions open:\n" + held.top);
            }
        }
        System.out.println(res);
    }

    record Mem(long rssKb, int threads, long heapUsedKb, long histBytes, String top) {
        public String toString() {
            return String.format(Locale.ROOT, "RSS %s MiB, %d threads", f1(rssKb / 1024.0), threads)
                    + (heapUsedKb >= 0 ? String.format(Locale.ROOT, ", heap used after full GC %s MiB, live objects %s MiB",
                    f1(heapUsedKb / 1024.0), f1(histBytes / 1048576.0)) : "");
        }
    }

    static boolean isJava(long pid) {
        try { return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString().endsWith("/java"); }
        catch (IOException e) { return false; }
    }

    static Mem mem(long pid, boolean jvm) throws Exception {
        long heap = -1, hist = -1;
        String top = null;
        if (jvm) {
            jcmd(pid, "GC.run");
            String hi = jcmd(pid, "GC.heap_info");
            // G1: " garbage-first heap   total reserved 25165824K, committed 262144K, used 12345K [..."
            // others: "... used 12345K ..."
            var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(hi);
            if (m.find()) heap = Long.parseLong(m.group(1));
            else {
                var z = java.util.regex.Pattern.compile("used (\\d+)M").matcher(hi);   // ZGC: "ZHeap used 123M"
                if (z.find()) heap = Long.parseLong(z.group(1)) * 1024;
            }
            String h = jcmd(pid, "GC.class_histogram");   // itself forces a full GC (live objects only)
            StringBuilder t = new StringBuilder();
            int rows = 0;
            for (String line : h.split("\n")) {
                String s = line.strip();
                if (s.startsWith("Total")) {
                    String[] p = s.split("\\s+");
                    hist = Long.parseLong(p[2]);
                } else if (s.matches("\\d+:.*") && rows < 12) {
                    t.append("    ").append(s).append('\n');
                    rows++;
                }
            }
            top = t.toString();
        }
        long rss = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
            if (line.startsWith("Threads:")) threads = Integer.parseInt(line.replaceAll("\\D", ""));
        }
        return new Mem(rss, threads, heap, hist, top);
    }

    static String jcmd(long pid, String cmd) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        return out;
    }
}
