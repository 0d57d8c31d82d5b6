// CrashLoad: the Java side of bench/crash-cycles.sh (issue 8: kill -9 cycles with a full mailbox). A single file,
// no dependencies, Java 25. Modes:
//
//   java bench/CrashLoad.java fill MAILDIR N [--into new|cur] [--size 1024]
//       writes N messages straight into MAILDIR/new (or cur/, with ":2,S") with Tern's file names
//       (<epochSeconds>.<deliveryId>.<hostname>, docs/maildir.md), no fsync: a full mailbox in seconds.
//   java bench/CrashLoad.java cycles HOST:PORT --cycles 20 --secs 3 --tag T --acked FILE --log LOG -- SERVER_CMD...
//       the crash cycles. The load (--sessions 20 sessions, --size 1024 bytes, a new connection per message, or
//       one per session with --keep; --to bench@localhost) runs all along; each cycle starts SERVER_CMD (its
//       output appended to LOG), times it from the process start to the first 220 greeting on HOST:PORT (probed
//       every 10 ms), lets the load run --secs seconds, then SIGKILLs that process (its own child, by its PID)
//       while the sessions are mid-transaction, and reaps it. Every message has a unique "X-Bench-Id: <T>.<n>"
//       (and Message-ID). Each id answered 250 goes to FILE; each whose "." was written without a reply (in
//       flight at a kill) to FILE.inflight. Prints per cycle "CYCLE c restart_s=.. acked=.. per_s=.. inflight=..
//       resumed=.. cpu_before_ms=.. cpu_window_ms=.." (resumed: the server's "queue resumed messages=N" in LOG;
//       cpu: the server's utime+stime from its start to its greeting, and in the window), then "RESULT cycles ...".
//   java bench/CrashLoad.java load HOST:PORT --secs 1 --tag T --acked FILE [--sessions 20 ...]
//       the same load against a server that is running (a warm-up): no kill. "RESULT load acked=.. ...".
//   java bench/CrashLoad.java check MAILDIR ACKED_FILE... [--prefix P]
//       reads the X-Bench-Id of every file in MAILDIR/new and cur/, and counts per id: acknowledged ids found
//       exactly once, lost (acknowledged, no file), duplicated (any id in two or more files), delivered without
//       a 250 (in flight at a kill: allowed once). Ids that do not start with --prefix are ignored.
//       Prints one "RESULT check acked=.. once=.. lost=.. duplicated=.. unacked_delivered=.. files=.." line.
//
// All SMTP traffic goes to a loopback address; every loop is bounded in count and in time.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class CrashLoad {
    static final Map<String, String> opt = new HashMap<>();
    static final Set<String> FLAGS = Set.of("keep");
    static final List<String> args = new ArrayList<>();
    static final List<String> command = new ArrayList<>();   // after "--": the server's command line (cycles)

    public static void main(String[] a) throws Exception {
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals("--")) { command.addAll(Arrays.asList(a).subList(i + 1, a.length)); break; }
            if (a[i].startsWith("--")) {
                String k = a[i].substring(2);
                if (FLAGS.contains(k)) opt.put(k, "true");
                else if (i + 1 < a.length) opt.put(k, a[++i]);
                else usage();
            } else args.add(a[i]);
        }
        if (args.isEmpty()) usage();
        long maxS = Long.parseLong(opt.getOrDefault("max-s", "600"));
        Thread.ofPlatform().daemon().start(() -> {   // whatever happens, the run ends
            try { Thread.sleep(maxS * 1000 + 30_000); } catch (InterruptedException e) { return; }
            System.err.println("CrashLoad: hard time limit reached, exiting");
            Runtime.getRuntime().halt(3);
        });
        switch (args.getFirst()) {
            case "fill" -> { if (args.size() != 3) usage(); fill(Path.of(args.get(1)), Integer.parseInt(args.get(2))); }
            case "load" -> { if (args.size() != 2) usage(); load(args.get(1)); }
            case "cycles" -> { if (args.size() != 2) usage(); cycles(args.get(1), command); }
            case "check" -> { if (args.size() < 2) usage(); check(Path.of(args.get(1)), args.subList(2, args.size())); }
            default -> usage();
        }
        System.exit(0);
    }

    static void usage() {
        System.err.println("usage: java bench/CrashLoad.java fill MAILDIR N | cycles HOST:PORT --tag T --acked FILE --log LOG -- SERVER_CMD..."
                + " | load HOST:PORT --tag T --acked FILE | check MAILDIR ACKED_FILE...   (see the comment at the top of the file)");
        System.exit(2);
    }

    static int intOpt(String k, int d) { return opt.containsKey(k) ? Integer.parseInt(opt.get(k)) : d; }

    // ---------------------------------------------------------------- fill

    /** This machine's name as Tern writes it into file names ('/' as \057, ':' as \072; maildir.txt). */
    static String hostname() {
        String name;
        try { name = InetAddress.getLocalHost().getHostName(); } catch (UnknownHostException e) { name = "localhost"; }
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (c == '/') sb.append("\\057");
            else if (c == ':') sb.append("\\072");
            else sb.append(c <= 0x20 || c == 0x7f ? '_' : c);
        }
        return sb.isEmpty() ? "localhost" : sb.toString();
    }

    static void fill(Path maildir, int n) throws Exception {
        String into = opt.getOrDefault("into", "new");
        if (!into.equals("new") && !into.equals("cur")) usage();
        int size = intOpt("size", 1024);
        for (String d : List.of("tmp", "new", "cur")) Files.createDirectories(maildir.resolve(d));
        Path dir = maildir.resolve(into);
        String host = hostname();
        String run = Long.toString(System.nanoTime() & 0xffffffffL, 36);
        long epoch0 = System.currentTimeMillis() / 1000 - 30L * 86400;   // delivered over the last month
        String body = ("x".repeat(76) + "\n").repeat(Math.max(1, size / 77));
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try (var ex = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) ex.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    // deliveryId: letters and digits only, as Tern's (docs/maildir.md); never one Tern makes.
                    String name = (epoch0 + (long) i * 30L * 86400 / Math.max(1, n)) + ".Fill" + run + "N" + i + "." + host
                            + (into.equals("cur") ? ":2,S" : "");
                    String m = "From: <someone@example.test>\nTo: <bench@localhost>\nSubject: filler " + i
                            + "\nMessage-ID: <fill." + run + "." + i + "@example.test>\nX-Fill: " + i + "\n\n" + body;
                    Files.writeString(dir.resolve(name), m, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                }
                return null;
            });
        }
        System.out.printf(Locale.ROOT, "RESULT fill files=%d into=%s secs=%.1f%n", n, into, (System.nanoTime() - t0) / 1e9);
    }

    // ---------------------------------------------------------------- load

    static final class SmtpError extends IOException {
        final String kind;
        SmtpError(String kind, String msg) { super(msg); this.kind = kind; }
    }

    /** A minimal SMTP client connection: lines in, replies (multi-line) out. */
    static final class Conn implements Closeable {
        final Socket s;
        final BufferedInputStream in;
        final OutputStream out;

        Conn(InetSocketAddress to, int timeoutMs) throws IOException {
            s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(to, timeoutMs);
                s.setSoTimeout(timeoutMs);
                in = new BufferedInputStream(s.getInputStream());
                out = s.getOutputStream();
            } catch (IOException e) { s.close(); throw e; }
        }

        int reply() throws IOException {
            while (true) {
                StringBuilder line = new StringBuilder();
                for (int c; (c = in.read()) != '\n'; ) {
                    if (c < 0) throw new SmtpError("closed", "connection closed by the server");
                    if (line.length() > 2000) throw new SmtpError("protocol", "reply line too long");
                    if (c != '\r') line.append((char) c);
                }
                if (line.length() < 3) throw new SmtpError("protocol", "bad reply: " + line);
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    try { return Integer.parseInt(line.substring(0, 3)); }
                    catch (NumberFormatException e) { throw new SmtpError("protocol", "bad reply: " + line); }
                }
            }
        }

        void expect(int code) throws IOException {
            int r = reply();
            if (r != code) throw new SmtpError(r >= 500 ? "5xx" : r >= 400 ? "4xx" : "unexpected", "expected " + code + ", got " + r);
        }

        void send(String s) throws IOException { out.write(s.getBytes(StandardCharsets.US_ASCII)); }

        public void close() { try { s.close(); } catch (IOException e) { } }
    }

    static String kind(IOException e) {
        if (e instanceof SmtpError se) return se.kind;
        if (e instanceof ConnectException) return "refused";
        if (e instanceof SocketTimeoutException) return "timeout";
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("reset")) return "reset";
        if (m.contains("broken pipe")) return "broken-pipe";
        return e.getClass().getSimpleName();
    }

    static InetSocketAddress loopback(String target) throws IOException {
        int colon = target.lastIndexOf(':');
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName(target.substring(0, colon)),
                Integer.parseInt(target.substring(colon + 1)));
        if (!addr.getAddress().isLoopbackAddress()) { System.err.println("refusing: " + target + " is not a loopback address"); System.exit(2); }
        return addr;
    }

    /**
     * The sending sessions: each loops, while {@link #serving}, over one message per connection (or per session
     * with --keep), every message with a unique id. Ids answered 250 go to {@link #acked}; ids whose "." was
     * written without a reply (the server died) to {@link #inflight}. While not serving, the sessions wait.
     */
    static final class Senders {
        final InetSocketAddress addr;
        final String tag, to, body;
        final int timeoutMs;
        final boolean keep;
        final Queue<String> acked = new ConcurrentLinkedQueue<>(), inflight = new ConcurrentLinkedQueue<>();
        final AtomicLong ackedCount = new AtomicLong();
        final ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();
        final AtomicInteger next = new AtomicInteger();
        volatile boolean serving, done;
        final ExecutorService ex;

        Senders(InetSocketAddress addr, int sessions) {
            this.addr = addr;
            tag = opt.get("tag");
            if (tag == null || !tag.matches("[A-Za-z0-9]+")) usage();
            to = opt.getOrDefault("to", "bench@localhost");
            body = ("y".repeat(76) + "\r\n").repeat(Math.max(1, intOpt("size", 1024) / 78));
            timeoutMs = intOpt("timeout-s", 10) * 1000;
            keep = opt.containsKey("keep");
            ex = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().stackSize(256 * 1024).factory());
            for (int s = 0; s < sessions; s++) ex.submit(this::session);
        }

        void session() {
            Conn c = null;
            while (!done) {
                if (!serving) {
                    if (c != null) { c.close(); c = null; }
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                    continue;
                }
                String id = tag + "." + next.getAndIncrement();
                boolean dotSent = false;
                try {
                    if (c == null) { c = new Conn(addr, timeoutMs); c.expect(220); c.send("EHLO client.test\r\n"); c.expect(250); }
                    c.send("MAIL FROM:<bench@client.test>\r\n"); c.expect(250);
                    c.send("RCPT TO:<" + to + ">\r\n"); c.expect(250);
                    c.send("DATA\r\n"); c.expect(354);
                    c.send("X-Bench-Id: " + id + "\r\nFrom: <bench@client.test>\r\nTo: <" + to + ">\r\nSubject: crash " + id
                            + "\r\nMessage-ID: <" + id + "@client.test>\r\n\r\n" + body);
                    c.send(".\r\n");
                    dotSent = true;
                    c.expect(250);
                    acked.add(id);
                    ackedCount.incrementAndGet();
                    if (!keep) { c.send("QUIT\r\n"); c.close(); c = null; }
                } catch (IOException e) {
                    if (dotSent) inflight.add(id);
                    errs.computeIfAbsent(kind(e), k -> new LongAdder()).increment();
                    if (c != null) c.close();
                    c = null;
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);   // never spin on a dead port
                }
            }
            if (c != null) { try { c.send("QUIT\r\n"); } catch (IOException e) { } c.close(); }
        }

        /** Ends the sessions (each finishes its transaction; reads time out after --timeout-s) and writes the id files. */
        String finish(String ackedFile) throws Exception {
            serving = false;
            done = true;
            ex.shutdown();
            if (!ex.awaitTermination(timeoutMs + 5000L, TimeUnit.MILLISECONDS)) ex.shutdownNow();
            Files.write(Path.of(ackedFile), acked, StandardCharsets.US_ASCII);
            Files.write(Path.of(ackedFile + ".inflight"), inflight, StandardCharsets.US_ASCII);
            StringBuilder e = new StringBuilder();
            new TreeMap<>(errs).forEach((k, v) -> e.append(e.isEmpty() ? "" : ",").append(k).append('=').append(v.sum()));
            return e.isEmpty() ? "none" : e.toString();
        }
    }

    /** Load for --secs against a running server (the warm-up): no kill. */
    static void load(String target) throws Exception {
        InetSocketAddress addr = loopback(target);
        double secs = Double.parseDouble(opt.getOrDefault("secs", "3"));
        String ackedFile = opt.get("acked");
        if (ackedFile == null) usage();
        Senders s = new Senders(addr, intOpt("sessions", 20));
        s.serving = true;
        Thread.sleep((long) (secs * 1000));
        String errs = s.finish(ackedFile);
        System.out.printf(Locale.ROOT, "RESULT load acked=%d inflight=%d per_s=%.1f errors=%s%n",
                s.acked.size(), s.inflight.size(), s.acked.size() / secs, errs);
    }

    /** Waits for a 220 greeting on addr (a connection every 10 ms) while p lives; false after the deadline. */
    static boolean awaitGreeting(InetSocketAddress addr, Process p, long deadline) {
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Conn c = new Conn(addr, 1000)) {
                if (c.reply() == 220) return true;
            } catch (IOException e) { }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        return false;
    }

    /**
     * The crash cycles: the load runs all along; each cycle starts the server (SERVER_CMD, its output appended to
     * --log), waits for its greeting (the restart time), lets the load run --secs seconds, then SIGKILLs it
     * (Process.destroyForcibly) and reaps it. Per cycle one "CYCLE ..." line; at the end one "RESULT cycles ..." line.
     */
    static void cycles(String target, List<String> cmd) throws Exception {
        InetSocketAddress addr = loopback(target);
        int cycles = intOpt("cycles", 20);
        double secs = Double.parseDouble(opt.getOrDefault("secs", "3"));
        String ackedFile = opt.get("acked"), log = opt.get("log");
        if (ackedFile == null || log == null || cmd.isEmpty()) usage();
        Path logFile = Path.of(log);
        java.util.regex.Pattern resumedRe = java.util.regex.Pattern.compile("queue resumed messages=(\\d+)");
        Senders s = new Senders(addr, intOpt("sessions", 20));
        List<Double> rates = new ArrayList<>();
        AtomicReference<Process> current = new AtomicReference<>();
        // Stopped from outside (SIGTERM, ^C): the server this started goes too.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { Process p = current.get(); if (p != null) p.destroyForcibly(); }));
        try {
            for (int c = 1; c <= cycles; c++) {
                long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
                Files.writeString(logFile, "=== cycle " + c + " start " + java.time.Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                long inflight0 = s.inflight.size();
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                current.set(p);
                try {
                    if (!awaitGreeting(addr, p, t0 + 120_000_000_000L)) {
                        System.out.println("CYCLE " + c + " FAILED: " + (p.isAlive() ? "no greeting within 120 s" : "the server exited, code " + p.exitValue()));
                        break;
                    }
                    long tg = System.nanoTime();
                    long cpu0 = cpuMs(p.pid()), a0 = s.ackedCount.get();
                    s.serving = true;
                    for (long w; (w = tg + (long) (secs * 1e9) - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(w);
                    s.serving = false;
                    long a1 = s.ackedCount.get(), cpu1 = cpuMs(p.pid());
                    p.destroyForcibly();   // SIGKILL, while the sessions are in the middle of their transactions
                    if (!p.waitFor(30, TimeUnit.SECONDS)) { System.out.println("CYCLE " + c + " FAILED: still alive 30 s after SIGKILL"); break; }
                    // Give the sessions' errors a moment, so "in flight" belongs to this cycle.
                    Thread.sleep(50);
                    String resumed = "0";
                    try (var ch = java.nio.channels.FileChannel.open(logFile)) {
                        ch.position(logOffset);
                        var m = resumedRe.matcher(new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1));
                        if (m.find()) resumed = m.group(1);
                    }
                    double rate = (a1 - a0) / secs;
                    rates.add(rate);
                    System.out.printf(Locale.ROOT, "CYCLE %d restart_s=%.2f acked=%d per_s=%.1f inflight=%d resumed=%s cpu_before_ms=%d cpu_window_ms=%d%n",
                            c, (tg - t0) / 1e9, a1 - a0, rate, s.inflight.size() - inflight0, resumed, cpu0, cpu1 - cpu0);
                    System.out.flush();
                } finally {
                    if (p.isAlive()) { p.destroyForcibly(); p.waitFor(30, TimeUnit.SECONDS); }
                }
            }
        } finally {
            String errs = s.finish(ackedFile);
            System.out.printf(Locale.ROOT, "RESULT cycles cycles=%d acked=%d inflight=%d errors=%s%n", rates.size(), s.acked.size(), s.inflight.size(), errs);
        }
    }

    /** utime+stime of a process in ms, from /proc/PID/stat (ticks of 10 ms), or -1. */
    static long cpuMs(long pid) {
        if (pid <= 0) return -1;
        try {
            String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) { return -1; }
    }

    // ---------------------------------------------------------------- check

    /** The value of the X-Bench-Id header in the first 4 KiB of a file, or null. */
    static String benchId(Path f) {
        byte[] b;
        try (InputStream in = Files.newInputStream(f)) { b = in.readNBytes(4096); }
        catch (IOException e) { return null; }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int i = s.startsWith("X-Bench-Id: ") ? 0 : s.indexOf("\nX-Bench-Id: ");
        if (i < 0) return null;
        int j = s.indexOf(':', i + 1) + 2, k = j;
        while (k < s.length() && s.charAt(k) != '\n' && s.charAt(k) != '\r') k++;
        return s.substring(j, k).strip();
    }

    static void check(Path maildir, List<String> ackedFiles) throws Exception {
        String prefix = opt.getOrDefault("prefix", "");
        Set<String> acked = new HashSet<>(), inflight = new HashSet<>();
        for (String f : ackedFiles) {
            if (f.endsWith(".inflight")) continue;   // read with its acknowledged file below
            acked.addAll(Files.readAllLines(Path.of(f), StandardCharsets.US_ASCII));
            Path fl = Path.of(f + ".inflight");
            if (Files.exists(fl)) inflight.addAll(Files.readAllLines(fl, StandardCharsets.US_ASCII));
        }
        acked.remove(""); inflight.remove("");
        List<Path> files = new ArrayList<>();
        for (String d : List.of("new", "cur")) {
            Path dir = maildir.resolve(d);
            if (!Files.isDirectory(dir)) continue;
            try (var ds = Files.newDirectoryStream(dir)) { for (Path p : ds) if (!p.getFileName().toString().startsWith(".")) files.add(p); }
        }
        ConcurrentHashMap<String, LongAdder> copies = new ConcurrentHashMap<>();
        AtomicInteger others = new AtomicInteger();
        try (var ex = Executors.newFixedThreadPool(4)) {
            int per = Math.max(1, (files.size() + 3) / 4);
            for (int t = 0; t < files.size(); t += per) {
                List<Path> part = files.subList(t, Math.min(files.size(), t + per));
                ex.submit(() -> {
                    for (Path p : part) {
                        String id = benchId(p);
                        if (id == null || !id.startsWith(prefix)) { others.incrementAndGet(); continue; }
                        copies.computeIfAbsent(id, k -> new LongAdder()).increment();
                    }
                });
            }
        }
        long once = 0, lost = 0, dupIds = 0, dupFiles = 0, unackedDelivered = 0, unknown = 0;
        List<String> lostSample = new ArrayList<>(), dupSample = new ArrayList<>();
        for (String id : acked) {
            LongAdder c = copies.get(id);
            if (c == null) { lost++; if (lostSample.size() < 5) lostSample.add(id); }
            else if (c.sum() == 1) once++;
        }
        for (var en : copies.entrySet()) {
            long n = en.getValue().sum();
            if (n > 1) { dupIds++; dupFiles += n - 1; if (dupSample.size() < 5) dupSample.add(en.getKey() + "x" + n); }
            if (!acked.contains(en.getKey())) {
                if (inflight.contains(en.getKey())) unackedDelivered++;
                else unknown++;
            }
        }
        System.out.printf(Locale.ROOT, "check %s: %d files (%d not from this run), %d acknowledged ids, %d in flight at a kill%n",
                maildir, files.size(), others.get(), acked.size(), inflight.size());
        if (!lostSample.isEmpty()) System.out.println("  lost, e.g.: " + lostSample);
        if (!dupSample.isEmpty()) System.out.println("  duplicated, e.g.: " + dupSample);
        System.out.printf(Locale.ROOT, "RESULT check acked=%d once=%d lost=%d duplicated=%d extra_copies=%d unacked_delivered=%d unknown=%d files=%d other_files=%d%n",
                acked.size(), once, lost, dupIds, dupFiles, unackedDelivered, unknown, files.size(), others.get());
    }
}
