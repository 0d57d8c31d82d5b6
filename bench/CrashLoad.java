// CrashLoad: the Java side of bench/crash-cycles.sh (issue 8: kill -9 cycles with a full mailbox). A single file,
// no dependencies, Java 25. Three modes:
//
//   java bench/CrashLoad.java fill MAILDIR N [--into new|cur] [--size 1024]
//       writes N messages straight into MAILDIR/new (or cur/, with ":2,S") with Tern's file names
//       (<epochSeconds>.<deliveryId>.<hostname>, docs/maildir.md), no fsync: a full mailbox in seconds.
//   java bench/CrashLoad.java load HOST:PORT --secs 3 --tag T --acked FILE [--kill-pid PID] [--sessions 20]
//       [--size 1024] [--to bench@localhost] [--keep] [--timeout-s 10] [--max-s 60]
//       SMTP at full speed for --secs seconds, a new connection per message (--keep: one per session), every
//       message with a unique "X-Bench-Id: <tag>.<n>" (and Message-ID). Each id that got 250 after "." goes to
//       FILE; each whose "." was written without a reply (in flight at the kill) to FILE.inflight. With
//       --kill-pid, the process PID gets SIGKILL when the --secs window ends, while the sessions are still
//       sending (the crash under load); then the sessions end on their errors.
//       Prints one "RESULT load acked=.. inflight=.. per_s=.. errors=.." line.
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

    public static void main(String[] a) throws Exception {
        for (int i = 0; i < a.length; i++) {
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
            case "check" -> { if (args.size() < 2) usage(); check(Path.of(args.get(1)), args.subList(2, args.size())); }
            default -> usage();
        }
        System.exit(0);
    }

    static void usage() {
        System.err.println("usage: java bench/CrashLoad.java fill MAILDIR N | load HOST:PORT --secs S --tag T --acked FILE"
                + " [--kill-pid PID] | check MAILDIR ACKED_FILE...   (see the comment at the top of the file)");
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

    static void load(String target) throws Exception {
        String[] hp = target.split(":");
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]));
        if (!addr.getAddress().isLoopbackAddress()) { System.err.println("refusing: " + hp[0] + " is not a loopback address"); System.exit(2); }
        double secs = Double.parseDouble(opt.getOrDefault("secs", "3"));
        int sessions = intOpt("sessions", 20), size = intOpt("size", 1024), timeoutMs = intOpt("timeout-s", 10) * 1000;
        String tag = opt.get("tag"), ackedFile = opt.get("acked"), to = opt.getOrDefault("to", "bench@localhost");
        if (tag == null || ackedFile == null || !tag.matches("[A-Za-z0-9]+")) usage();
        long killPid = Long.parseLong(opt.getOrDefault("kill-pid", "-1"));
        boolean keep = opt.containsKey("keep");
        long maxNanos = Long.parseLong(opt.getOrDefault("max-s", "60")) * 1_000_000_000L;
        String body = ("y".repeat(76) + "\r\n").repeat(Math.max(1, size / 78));
        Queue<String> acked = new ConcurrentLinkedQueue<>(), inflight = new ConcurrentLinkedQueue<>();
        ConcurrentHashMap<String, LongAdder> errs = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        long t0 = System.nanoTime(), windowEnd = t0 + (long) (secs * 1e9), hardEnd = t0 + maxNanos;
        AtomicLong ackedInWindow = new AtomicLong();
        Thread killer = Thread.ofPlatform().start(() -> {
            for (long w; (w = windowEnd - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(w);
            if (killPid > 0) {
                ProcessHandle.of(killPid).ifPresent(ProcessHandle::destroyForcibly);   // SIGKILL
                // The sessions end on their errors; anything else in the next 2 s is not counted as in the window.
                try { Thread.sleep(2000); } catch (InterruptedException e) { }
            }
            stop.set(true);
        });
        try (var ex = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().stackSize(256 * 1024).factory())) {
            for (int s = 0; s < sessions; s++) ex.submit(() -> {
                Conn c = null;
                long backoff = 0;
                while (!stop.get() && System.nanoTime() < hardEnd) {
                    // After the window without a kill, no new message starts.
                    if (killPid <= 0 && System.nanoTime() >= windowEnd) break;
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
                        long now = System.nanoTime();
                        acked.add(id);
                        if (now <= windowEnd) ackedInWindow.incrementAndGet();
                        if (!keep) { c.send("QUIT\r\n"); c.close(); c = null; }
                        backoff = 0;
                    } catch (IOException e) {
                        if (dotSent) inflight.add(id);
                        errs.computeIfAbsent(kind(e), k -> new LongAdder()).increment();
                        if (c != null) c.close();
                        c = null;
                        // Refused (the server is gone): do not spin; at most 50 ms between attempts.
                        backoff = Math.min(50, backoff + 5);
                        try { Thread.sleep(backoff); } catch (InterruptedException ie) { return; }
                    }
                }
                if (c != null) { try { c.send("QUIT\r\n"); } catch (IOException e) { } c.close(); }
            });
        }
        stop.set(true);
        killer.join(10_000);
        Files.write(Path.of(ackedFile), acked, StandardCharsets.US_ASCII);
        Files.write(Path.of(ackedFile + ".inflight"), inflight, StandardCharsets.US_ASCII);
        StringBuilder e = new StringBuilder();
        new TreeMap<>(errs).forEach((k, v) -> e.append(e.isEmpty() ? "" : ",").append(k).append('=').append(v.sum()));
        System.out.printf(Locale.ROOT, "RESULT load acked=%d acked_in_window=%d inflight=%d per_s=%.1f secs=%.1f errors=%s%n",
                acked.size(), ackedInWindow.get(), inflight.size(), ackedInWindow.get() / secs, secs, e.isEmpty() ? "none" : e);
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
